package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxLineBytes is the longest line read; longer ones are skipped and
// counted. spanlog's own lines are at most 60 KiB.
const maxLineBytes = 1 << 20

// lineReader reads lines, without their "\n" or "\r\n". It is not safe
// for concurrent use.
type lineReader struct {
	r       *bufio.Reader
	tooLong int    // lines skipped for being longer than maxLineBytes
	partial []byte // with keepPartial, the unfinished line at the end so far
	// skipping drops the rest of an over-long line.
	skipping bool
	// keepPartial holds back a last line without "\n" at EOF, to be
	// finished by later reads, as when following a growing file.
	keepPartial bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, maxLineBytes+1)}
}

// next returns the next line, valid until the following call, or the
// reader's error (io.EOF at the end).
func (lr *lineReader) next() ([]byte, error) {
	for {
		line, err := lr.r.ReadSlice('\n')
		complete := err == nil
		if lr.skipping {
			lr.skipping = !complete
			if complete || err == bufio.ErrBufferFull {
				continue
			}
			return nil, err
		}
		if err == bufio.ErrBufferFull || len(lr.partial)+len(line) > maxLineBytes+1 {
			lr.tooLong++
			lr.partial = lr.partial[:0]
			lr.skipping = !complete
			continue
		}
		if !complete {
			if len(line) == 0 && len(lr.partial) == 0 {
				return nil, err
			}
			if lr.keepPartial && errors.Is(err, io.EOF) {
				lr.partial = append(lr.partial, line...)
				return nil, err
			}
			// A last line without a line ending: the error comes next.
		}
		if len(lr.partial) > 0 {
			lr.partial = append(lr.partial, line...)
			line = lr.partial
			lr.partial = lr.partial[:0]
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		return bytes.TrimSuffix(line, []byte("\r")), nil
	}
}

// buffered reports whether a line can be read without waiting for input.
func (lr *lineReader) buffered() bool { return lr.r.Buffered() > 0 }
