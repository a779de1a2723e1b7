package main

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"sync/atomic"
)

// follow feeds v the lines of one file, or of standard input, as they
// come: at the end of a file it waits for the file to grow, following the
// name as tail -F does (a file cut shorter is read again from its start; a
// file rotated away is read to its end, then the new file under the name
// from its start), at the end of standard input it stops. While the input is quiet, each tick moves the tree's
// clock on by the wall time since the last line, so finished traces print
// and stalled ones are evicted without waiting for another line. It returns
// when ctx is done, the input ends or writing fails, with the number of
// lines too long to read.
func follow(ctx context.Context, v *viewer, files []string, e env) (int, error) {
	name := "-"
	if len(files) == 1 {
		name = files[0]
	}
	in, closeIn, err := open(name, e)
	if err != nil {
		return 0, err
	}
	defer closeIn()
	ticks, stopTicks := e.ticker()
	defer stopTicks()

	f := &followed{
		lr:      newLineReader(in),
		batches: make(chan [][]byte),
		poll:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		result:  make(chan error, 1),
	}
	f.file, _ = in.(*os.File)
	if name == "-" {
		f.file = nil // standard input ends; it is not polled
	}
	f.first, f.name, f.openFile = f.file, name, e.openFile
	f.lr.keepPartial = f.file != nil
	defer close(f.done)
	go f.read()

	lastLine, inputNow := e.now(), v.now()
	for v.err == nil {
		select {
		case batch, ok := <-f.batches:
			if !ok {
				return int(f.tooLong.Load()), <-f.result
			}
			for _, line := range batch {
				v.line(line)
			}
			lastLine, inputNow = e.now(), v.now()
		case <-ticks:
			v.idle(inputNow, e.now().Sub(lastLine))
			select {
			case f.poll <- struct{}{}:
			default:
			}
		case <-ctx.Done():
			return int(f.tooLong.Load()), nil
		}
		v.flush()
	}
	return int(f.tooLong.Load()), nil
}

// followed reads a followed input on a goroutine of its own and hands its
// lines over in batches.
type followed struct {
	file *os.File // nil for standard input
	lr   *lineReader
	// For a file: its name, how to open it again, the file opened first
	// (follow closes it), and the file that replaced it under its name,
	// to be read once file is read to its end.
	name     string
	openFile func(string) (*os.File, error)
	first    *os.File
	next     *os.File
	batches  chan [][]byte // closed at the end of the input
	poll     chan struct{} // look at the file again
	done     chan struct{} // closed when the reader is no longer wanted
	result   chan error    // the read error, if any, once batches is closed
	tooLong  atomic.Int64
}

func (f *followed) read() {
	defer f.closeOwnFiles()
	var batch [][]byte
	send := func() bool {
		if len(batch) == 0 {
			return true
		}
		select {
		case f.batches <- batch:
			batch = nil
			return true
		case <-f.done:
			return false
		}
	}
	for {
		line, err := f.lr.next()
		f.tooLong.Store(int64(f.lr.tooLong))
		if err == nil {
			batch = append(batch, slices.Clone(line))
			if (!f.lr.buffered() || len(batch) >= 1024) && !send() {
				return
			}
			continue
		}
		if !send() {
			return
		}
		if f.file != nil && errors.Is(err, io.EOF) {
			if f.next != nil {
				f.switchToNext() // the rotated file is read to its end
				continue
			}
			select {
			case <-f.poll:
				f.rewindIfCut()
				f.next = f.replacement()
				continue
			case <-f.done:
				return
			}
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		f.result <- err
		close(f.batches)
		return
	}
}

// rewindIfCut starts reading the file from its start again when it became
// shorter than what was read of it, as a log file truncated in place does.
func (f *followed) rewindIfCut() {
	pos, err := f.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return
	}
	fi, err := f.file.Stat()
	if err != nil || fi.Size() >= pos {
		return
	}
	if _, err := f.file.Seek(0, io.SeekStart); err == nil {
		f.restartReader()
	}
}

// replacement returns the file now under the followed name when it is
// not the file being read, as after a rotation; nil otherwise.
func (f *followed) replacement() *os.File {
	named, err := os.Stat(f.name)
	if err != nil {
		return nil // rotated away and not yet created again: look later
	}
	reading, err := f.file.Stat()
	if err != nil || os.SameFile(named, reading) {
		return nil
	}
	next, err := f.openFile(f.name)
	if err != nil {
		return nil
	}
	return next
}

// switchToNext reads the replacement from its start from now on. An
// unfinished last line of the old file is dropped: nothing will finish it.
func (f *followed) switchToNext() {
	if f.file != f.first {
		f.file.Close()
	}
	f.file, f.next = f.next, nil
	f.restartReader()
}

// restartReader makes the line reader read f.file from where it stands,
// forgetting any unfinished line.
func (f *followed) restartReader() {
	f.lr.r.Reset(f.file)
	f.lr.partial = f.lr.partial[:0]
	f.lr.skipping = false
}

// closeOwnFiles closes the files read opened itself; follow closes the
// first.
func (f *followed) closeOwnFiles() {
	if f.file != nil && f.file != f.first {
		f.file.Close()
	}
	if f.next != nil {
		f.next.Close()
	}
}
