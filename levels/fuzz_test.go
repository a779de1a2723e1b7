package levels

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors point inside
// the text, and that the canonical text of a Filter parses to an equal one.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"info", "debug-4,github.com/acme/app/db=debug", "off,a/b[c]=warn+1",
		"[checkout{user.id=42,tenant=acme}]=debug", `["GET /x"{"a b"="c,d"}]=error`,
		"[{k=v}]=info", "a=debug,a=warn", `"my tracer"=warn`, "[x]=debug , y=info",
		"info,", "[{a=1,a=2}]=debug", `[{a="\u202e"}]=debug`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		filter, err := Parse(text)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %v is not a *SyntaxError", text, err)
			}
			if se.Offset < 0 || se.Offset > len(text) {
				t.Fatalf("Parse(%q) error offset %d is outside the text", text, se.Offset)
			}
			return
		}
		canonical := filter.String()
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", text, canonical, err)
		}
		if !reflect.DeepEqual(filter, again) {
			t.Fatalf("Parse(%q) and Parse(its String %q) differ:\n%#v\n%#v", text, canonical, filter, again)
		}
	})
}
