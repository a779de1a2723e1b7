package logfmttest

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines lineDiff shows around a change.
const diffContext = 3

// maxDiffCells bounds the cost of lineDiff: when the lines left after
// removing the common prefix and suffix would need a table of more than this
// many cells, lineDiff reports only the first difference.
const maxDiffCells = 4_000_000

type editKind byte

const (
	editEqual editKind = iota
	editDelete
	editInsert
)

// edit is one step of a line diff. a and b are the positions in want and in
// got at this step: the line the step shows for equal, delete (a) and
// insert (b), otherwise the next line on that side.
type edit struct {
	kind editKind
	a, b int
}

// lineDiff returns a line diff from want to got, or "" if they are equal.
//
// The diff is based on a longest common subsequence of lines. It comes in
// hunks headed "@@ -l,n +l,n @@" (first line and line count in want and in
// got), with unchanged lines prefixed "  ", lines only in want "- " and
// lines only in got "+ ". Up to diffContext unchanged lines surround each
// change; longer unchanged stretches are left out between hunks. A last line
// without a newline is followed by "\ No newline at end of file". Every line
// of the result ends in a newline.
//
// If the inputs are too large to diff at a bounded cost, the result only
// names the first differing line and shows it from both sides.
func lineDiff(want, got []byte) string {
	a, b := splitLines(want), splitLines(got)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	if pre == len(a) && pre == len(b) {
		return ""
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	na, nb := len(a)-pre-suf, len(b)-pre-suf
	if int64(na)*int64(nb) > maxDiffCells {
		return firstDifference(a, b, pre)
	}

	edits := make([]edit, 0, len(a)+len(b))
	for i := range pre {
		edits = append(edits, edit{editEqual, i, i})
	}
	edits = appendLCSEdits(edits, a[pre:pre+na], b[pre:pre+nb], pre)
	for k := range suf {
		edits = append(edits, edit{editEqual, pre + na + k, pre + nb + k})
	}

	var sb strings.Builder
	for _, h := range hunks(edits) {
		writeHunk(&sb, h, a, b)
	}
	return sb.String()
}

// splitLines splits s into lines, each keeping its trailing newline; only
// the last line may lack one.
func splitLines(s []byte) []string {
	var lines []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, string(s))
			break
		}
		lines = append(lines, string(s[:i+1]))
		s = s[i+1:]
	}
	return lines
}

// appendLCSEdits appends to edits the steps turning a into b, keeping a
// longest common subsequence of lines. Positions are offset by off. Where a
// change removes and adds lines, the removals come first.
func appendLCSEdits(edits []edit, a, b []string, off int) []edit {
	// Number the distinct lines so that the table compares ints.
	ids := make(map[string]int32)
	number := func(lines []string) []int32 {
		out := make([]int32, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = int32(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := number(a), number(b)
	n, m := len(x), len(y)

	// lcs[i*(m+1)+j] is the length of a longest common subsequence of
	// x[i:] and y[j:].
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}

	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			edits = append(edits, edit{editEqual, off + i, off + j})
			i++
			j++
		case j == m || (i < n && lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			edits = append(edits, edit{editDelete, off + i, off + j})
			i++
		default:
			edits = append(edits, edit{editInsert, off + i, off + j})
			j++
		}
	}
	return edits
}

// hunks groups the changes in edits into hunks with up to diffContext
// unchanged lines around them. Changes separated by at most 2*diffContext
// unchanged lines share a hunk.
func hunks(edits []edit) [][]edit {
	var out [][]edit
	i := 0
	for {
		for i < len(edits) && edits[i].kind == editEqual {
			i++
		}
		if i == len(edits) {
			return out
		}
		start := max(i-diffContext, 0)
		end := i // just past the last change of the hunk
		for {
			for end < len(edits) && edits[end].kind != editEqual {
				end++
			}
			k := end
			for k < len(edits) && edits[k].kind == editEqual {
				k++
			}
			if k == len(edits) || k-end > 2*diffContext {
				break
			}
			end = k
		}
		stop := min(end+diffContext, len(edits))
		out = append(out, edits[start:stop])
		i = stop
	}
}

// writeHunk writes one hunk: its header, then its lines.
func writeHunk(sb *strings.Builder, h []edit, a, b []string) {
	var na, nb int
	for _, e := range h {
		if e.kind != editInsert {
			na++
		}
		if e.kind != editDelete {
			nb++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(h[0].a, na), hunkRange(h[0].b, nb))
	for _, e := range h {
		switch e.kind {
		case editEqual:
			writeLine(sb, "  ", a[e.a])
		case editDelete:
			writeLine(sb, "- ", a[e.a])
		case editInsert:
			writeLine(sb, "+ ", b[e.b])
		}
	}
}

// hunkRange formats the range of n lines starting at index start the way
// unified diffs do: an empty range names the line before it.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// writeLine writes line with prefix, marking a missing final newline.
func writeLine(sb *strings.Builder, prefix, line string) {
	sb.WriteString(prefix)
	if s, ok := strings.CutSuffix(line, "\n"); ok {
		sb.WriteString(s)
		sb.WriteByte('\n')
		return
	}
	sb.WriteString(line)
	sb.WriteString("\n\\ No newline at end of file\n")
}

// firstDifference reports the first differing line, a[i] against b[i], for
// inputs too large to diff. Both lines exist: when one side has no line i,
// the other side is merely longer and lineDiff never gets here.
func firstDifference(a, b []string, i int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "too large to diff (want has %d lines, got %d); first difference at line %d:\n",
		len(a), len(b), i+1)
	writeLine(&sb, "- ", a[i])
	writeLine(&sb, "+ ", b[i])
	return sb.String()
}
