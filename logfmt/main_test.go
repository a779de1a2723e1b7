package logfmt

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them, such
// as an AsyncWriter's that was never closed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
