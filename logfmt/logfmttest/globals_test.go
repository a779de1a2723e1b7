package logfmttest

import (
	"bytes"
	"io"
	"log"
	"log/slog"
	"strings"
	"testing"
)

// slog.SetDefault with a logger on slog's own default handler leaves the
// log package writing where it was, so putting the saved slog logger back
// is not enough: log must be put back too. Otherwise log.Print, and slog
// through its default handler, still reach the handler the test
// installed, and a handler whose writer logs then takes log's lock twice.
func TestKeepGlobalsPutsTheLogPackageBack(t *testing.T) {
	var before bytes.Buffer
	log.SetOutput(&before)
	log.SetFlags(log.Lmicroseconds)
	log.SetPrefix("before: ")
	t.Cleanup(func() {
		log.SetOutput(io.Discard)
		log.SetFlags(log.LstdFlags)
		log.SetPrefix("")
	})

	var installed bytes.Buffer
	t.Run("installs a handler", func(t *testing.T) {
		KeepGlobals(t)
		slog.SetDefault(slog.New(slog.NewTextHandler(&installed, nil)))
		log.SetPrefix("during: ")
	})

	log.Print("after")
	slog.Info("after, through slog")
	if installed.Len() != 0 {
		t.Errorf("the handler installed in the subtest still receives lines: %q", installed.String())
	}
	if log.Flags() != log.Lmicroseconds || log.Prefix() != "before: " {
		t.Errorf("log flags %b prefix %q, want %b %q", log.Flags(), log.Prefix(), log.Lmicroseconds, "before: ")
	}
	if got := before.String(); strings.Count(got, "before: ") != 2 {
		t.Errorf("the log package's own output got %q, want both lines", got)
	}
}
