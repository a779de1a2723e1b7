package logfmttest

import "testing"

func TestDecode(t *testing.T) {
	lines := Decode(t, []byte("a=1 b=\"two words\"\nc=3\n"))
	if len(lines) != 2 || lines[0]["b"] != "two words" || lines[1]["c"] != "3" {
		t.Errorf("Decode = %v", lines)
	}
}

func TestDecodeFailsOnDuplicateKeyAndBadInput(t *testing.T) {
	for _, in := range []string{"a=1 a=2\n", "a=\"unterminated\n"} {
		f := &fakeTB{TB: t}
		Decode(f, []byte(in))
		if len(f.fatals) != 1 {
			t.Errorf("Decode(%q) reported %q, want one fatal failure", in, f.fatals)
		}
	}
}
