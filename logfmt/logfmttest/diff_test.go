package logfmttest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	tenLines := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	for _, c := range []struct {
		name, want, got, diff string
	}{
		{
			name: "equal",
			want: tenLines,
			got:  tenLines,
			diff: "",
		},
		{
			name: "one line changed",
			want: tenLines,
			got:  "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n",
			diff: "@@ -2,7 +2,7 @@\n" +
				"  b\n" +
				"  c\n" +
				"  d\n" +
				"- e\n" +
				"+ E\n" +
				"  f\n" +
				"  g\n" +
				"  h\n",
		},
		{
			name: "far apart changes make two hunks",
			want: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
			got:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n15\n16\n",
			diff: "@@ -11,5 +11,5 @@\n" +
				"  11\n" +
				"  12\n" +
				"  13\n" +
				"- 14\n" +
				"  15\n" +
				"+ 16\n",
		},
		{
			name: "changes close together share a hunk, far ones do not",
			want: "x\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
			got:  "1\n2\n3\n4\n5\n6\nsix\n7\n8\n9\n10\n11\n12\n13\n14\n15\nnew\n",
			diff: "@@ -1,10 +1,10 @@\n" +
				"- x\n" +
				"  1\n" +
				"  2\n" +
				"  3\n" +
				"  4\n" +
				"  5\n" +
				"  6\n" +
				"+ six\n" +
				"  7\n" +
				"  8\n" +
				"  9\n" +
				"@@ -14,3 +14,4 @@\n" +
				"  13\n" +
				"  14\n" +
				"  15\n" +
				"+ new\n",
		},
		{
			name: "from empty",
			want: "",
			got:  "a\nb\n",
			diff: "@@ -0,0 +1,2 @@\n" +
				"+ a\n" +
				"+ b\n",
		},
		{
			name: "block replaced: removals first",
			want: "k\nx\ny\nk\n",
			got:  "k\nX\nY\nk\n",
			diff: "@@ -1,4 +1,4 @@\n" +
				"  k\n" +
				"- x\n" +
				"- y\n" +
				"+ X\n" +
				"+ Y\n" +
				"  k\n",
		},
		{
			name: "missing final newline",
			want: "a\nb\n",
			got:  "a\nb",
			diff: "@@ -1,2 +1,2 @@\n" +
				"  a\n" +
				"- b\n" +
				"+ b\n" +
				"\\ No newline at end of file\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := lineDiff([]byte(c.want), []byte(c.got)); got != c.diff {
				t.Errorf("lineDiff(%q, %q) =\n%s\nwant\n%s", c.want, c.got, got, c.diff)
			}
		})
	}
}

func TestLineDiffTooLarge(t *testing.T) {
	var want, got strings.Builder
	for i := range 2100 {
		if i < 5 {
			fmt.Fprintf(&want, "same %d\n", i)
			fmt.Fprintf(&got, "same %d\n", i)
			continue
		}
		fmt.Fprintf(&want, "want %d\n", i)
		fmt.Fprintf(&got, "got %d\n", i)
	}
	// The common last line keeps the diff to 2094x2094 lines, over the bound.
	want.WriteString("end\n")
	got.WriteString("end\n")

	d := lineDiff([]byte(want.String()), []byte(got.String()))
	exp := "too large to diff (want has 2101 lines, got 2101); first difference at line 6:\n" +
		"- want 5\n" +
		"+ got 5\n"
	if d != exp {
		t.Errorf("lineDiff of large inputs =\n%s\nwant\n%s", d, exp)
	}
}

func TestLineDiffLargeWithSmallChange(t *testing.T) {
	// Many lines, but the common prefix and suffix leave little to diff.
	var want strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	w := want.String()
	g := strings.Replace(w, "line 50000\n", "line fifty thousand\n", 1)
	d := lineDiff([]byte(w), []byte(g))
	exp := "@@ -49998,7 +49998,7 @@\n" +
		"  line 49997\n" +
		"  line 49998\n" +
		"  line 49999\n" +
		"- line 50000\n" +
		"+ line fifty thousand\n" +
		"  line 50001\n" +
		"  line 50002\n" +
		"  line 50003\n"
	if d != exp {
		t.Errorf("lineDiff =\n%s\nwant\n%s", d, exp)
	}
}

// TestLCSEdits checks on random inputs that the edits turn a into b and keep
// as many lines as a longest common subsequence has.
func TestLCSEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	randLines := func() []string {
		lines := make([]string, r.IntN(9))
		for i := range lines {
			lines[i] = string(rune('x' + r.IntN(3)))
		}
		return lines
	}
	for range 2000 {
		a, b := randLines(), randLines()
		edits := appendLCSEdits(nil, a, b, 0)

		var gotA, gotB []string
		equal := 0
		for _, e := range edits {
			switch e.kind {
			case editEqual:
				if a[e.a] != b[e.b] {
					t.Fatalf("a=%q b=%q: equal edit pairs %q with %q", a, b, a[e.a], b[e.b])
				}
				gotA, gotB = append(gotA, a[e.a]), append(gotB, b[e.b])
				equal++
			case editDelete:
				gotA = append(gotA, a[e.a])
			case editInsert:
				gotB = append(gotB, b[e.b])
			}
		}
		if strings.Join(gotA, "") != strings.Join(a, "") || strings.Join(gotB, "") != strings.Join(b, "") {
			t.Fatalf("a=%q b=%q: edits rebuild %q and %q", a, b, gotA, gotB)
		}
		if want := lcsLength(a, b); equal != want {
			t.Fatalf("a=%q b=%q: edits keep %d lines, longest common subsequence has %d", a, b, equal, want)
		}
	}
}

// lcsLength is the textbook longest-common-subsequence length over prefixes.
func lcsLength(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev = cur
	}
	return prev[len(b)]
}
