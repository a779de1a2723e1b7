package spanlog_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them: every
// pipeline a test builds must be shut down.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
