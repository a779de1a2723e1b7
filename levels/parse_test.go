package levels_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/spanlog/spanlog/levels"
)

func TestParseEachFormCanonical(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"debug", "debug"},
		{"INFO", "info"},
		{"Warn", "warn"},
		{"error", "error"},
		{"off", "off"},
		{"OFF", "off"},
		{"info+2", "info+2"},
		{"debug-4", "debug-4"},
		{"warn-4", "info"},
		{"ERROR+04", "error+4"},
		{"github.com/acme/app/db=debug", "github.com/acme/app/db=debug"},
		{"main=warn", "main=warn"},
		{"github.com/acme/app/db[checkout]=debug", "github.com/acme/app/db[checkout]=debug"},
		{"[checkout]=debug", "[checkout]=debug"},
		{"[checkout{user.id=42}]=debug", "[checkout{user.id=42}]=debug"},
		{"[{tenant=acme}]=debug", "[{tenant=acme}]=debug"},
		{"[{b=2,a=1}]=debug", "[{a=1,b=2}]=debug"},
		{`["GET /songs"]=off`, `["GET /songs"]=off`},
		{`"my tracer"=warn`, `"my tracer"=warn`},
		{`[{note="a,b=c"}]=debug`, `[{note="a,b=c"}]=debug`},
		{`[{note=""}]=debug`, `[{note=""}]=debug`},
		{`["checkout"]=debug`, `[checkout]=debug`},
		{"pkg.example/a[s{k=v}]=error", "pkg.example/a[s{k=v}]=error"},
		// Spaces around directives; canonical order: default, targets, spans.
		{" [x]=debug ,\n b=warn,\tinfo ", "info,b=warn,[x]=debug"},
		// The later of two directives with one selector wins.
		{"a=debug,a=warn", "a=warn"},
		{"debug,info", "info"},
		{"[s{a=1,b=2}]=debug,[s{b=2,a=1}]=error", "[s{a=1,b=2}]=error"},
		{"z=debug,a=info,a/b=warn", "a=info,a/b=warn,z=debug"},
	} {
		f, err := levels.Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := f.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseLevels(t *testing.T) {
	for _, c := range []struct {
		in   string
		want slog.Level
	}{
		{"debug", slog.LevelDebug},
		{"info", slog.LevelInfo},
		{"warn", slog.LevelWarn},
		{"error", slog.LevelError},
		{"info+2", slog.LevelInfo + 2},
		{"debug-4", slog.LevelDebug - 4},
		{"off", levels.Off},
	} {
		f, err := levels.Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if got, ok := f.Default(); !ok || got != c.want {
			t.Errorf("Parse(%q).Default() = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	f, _ := levels.Parse("a=debug")
	if _, ok := f.Default(); ok {
		t.Error("a filter without a bare level reports a default")
	}
}

func TestParseMalformed(t *testing.T) {
	for _, c := range []struct {
		in        string
		offset    int
		directive string
		reason    string // a part of the reason
	}{
		{"", 0, "", "no directives"},
		{"  \n", 3, "", "no directives"},
		{"loud", 0, "loud", `unknown level "loud"`},
		{"trace", 0, "trace", "unknown level"},
		{"info,app=loud", 9, "app=loud", `unknown level "loud"`},
		{"github.com/acme/app", 0, "github.com/acme/app", "a package needs =LEVEL"},
		{"info+", 5, "info+", "offset"},
		{"info+x", 5, "info+x", "offset"},
		{"info++2", 5, "info++2", "offset"},
		{"info+99999999", 5, "info+99999999", "too large"},
		{"off+1", 0, "off+1", "unknown level"},
		{"info,", 5, "", "empty directive"},
		{"info,,warn", 5, "", "empty directive"},
		{",info", 0, "", "want a level"},
		{"app=", 4, "app=", "missing level"},
		{"app= debug", 4, "app= debug", "missing level"},
		{"=debug", 0, "=debug", "missing package"},
		{"app=debug warn", 10, "app=debug warn", "separate directives with commas"},
		{"/app=debug", 0, "/app=debug", "starts or ends with /"},
		{"app/=debug", 0, "app/=debug", "starts or ends with /"},
		{"a//b=debug", 1, "a//b=debug", "empty path segment"},
		{`""=debug`, 0, `""=debug`, "empty package"},
		{`"app"`, 0, `"app"`, "quoted package needs =LEVEL"},
		{"app=\"debug\"", 4, "app=\"debug\"", "missing level"},
		{"[]=debug", 0, "[]=debug", "empty []"},
		{"[checkout=debug", 9, "[checkout=debug", "want ] to close ["},
		{"[checkout", 9, "[checkout", "missing ] to close ["},
		{"[", 1, "[", "missing ] to close ["},
		{"[checkout]", 10, "[checkout]", "missing =LEVEL"},
		{"[checkout]debug", 10, "[checkout]debug", "want =LEVEL"},
		{"[checkout]=", 11, "[checkout]=", "missing level"},
		{`[""]=debug`, 1, `[""]=debug`, "empty span name"},
		{"[GET /songs]=debug", 4, "[GET /songs]=debug", "quote names"},
		{"[{}]=debug", 1, "[{}]=debug", "empty {}"},
		{"[s{}]=debug", 2, "[s{}]=debug", "empty {}"},
		{"[{a}]=debug", 3, "[{a}]=debug", "=VALUE"},
		{"[{=1}]=debug", 2, "[{=1}]=debug", "empty field key"},
		{"[{a=1,a=2}]=debug", 6, "[{a=1,a=2}]=debug", `field "a" given twice`},
		{"[{a=1", 5, "[{a=1", "missing } to close {"},
		{"[{a=1]=debug", 5, "[{a=1]=debug", ", or }"},
		{"[{a=1},b]=debug", 6, "[{a=1},b]=debug", "want ] to close ["},
		{`[{a="x}]=debug`, 4, `[{a="x}]=debug`, "malformed quoted field value"},
		{"app\x00=debug", 3, "app\x00=debug", "quote names"},
		{"app\u202e=debug", 3, "app\u202e=debug", "quote names"},
		{"app\xff=debug", 3, "app\xff=debug", "quote names"},
		{"a\"b=debug", 1, "a\"b=debug", "quote names"},
		{"info,app]=debug", 8, "app]=debug", "want =LEVEL or ["},
		{"{a=1}=debug", 0, "{a=1}=debug", "want a level"},
	} {
		_, err := levels.Parse(c.in)
		var se *levels.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", c.in, err)
			continue
		}
		if se.Offset != c.offset || se.Directive != c.directive || !strings.Contains(se.Reason, c.reason) {
			t.Errorf("Parse(%q): offset %d, directive %q, reason %q; want offset %d, directive %q, reason with %q",
				c.in, se.Offset, se.Directive, se.Reason, c.offset, c.directive, c.reason)
		}
	}
}

func TestParseLimits(t *testing.T) {
	long := strings.Repeat("a", 64<<10) + "=debug"
	if _, err := levels.Parse(long); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("Parse of %d bytes: %v, want an error about length", len(long), err)
	}
	var many []string
	for i := range 257 {
		many = append(many, "p"+strings.Repeat("x", i%7)+"/"+string(rune('a'+i%26))+strings.Repeat("y", i/26)+"=debug")
	}
	_, err := levels.Parse(strings.Join(many, ","))
	var se *levels.SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "more than 256 directives") {
		t.Errorf("257 directives: %v, want an error naming the limit", err)
	}
	var scopes []string
	for i := range 65 {
		scopes = append(scopes, "p"+strings.Repeat("x", i)+"[s]=debug")
	}
	text := strings.Join(scopes, ",")
	_, err = levels.Parse(text)
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "more than 64") || se.Offset != strings.LastIndex(text, ",")+1 {
		t.Errorf("65 span scopes: %v, want an error at the 65th", err)
	}
}

func TestSyntaxErrorCutsLongDirectives(t *testing.T) {
	_, err := levels.Parse("x" + strings.Repeat("é", 100) + "=loud")
	var se *levels.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	if len(se.Directive) > 84 || !strings.HasSuffix(se.Directive, "…") {
		t.Errorf("directive in error is %d bytes: %q", len(se.Directive), se.Directive)
	}
	if se.Offset != 1+200+1 {
		t.Errorf("offset %d, want %d", se.Offset, 202)
	}
}
