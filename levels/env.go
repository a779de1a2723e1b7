package levels

import (
	"fmt"
	"os"
	"strings"
)

// EnvVar is the environment variable FromEnv reads.
const EnvVar = "SPANLOG_LEVEL"

// FromEnv parses the directives in SPANLOG_LEVEL. It returns nil and no
// error when the variable is unset or blank, and an error naming the
// variable, the directive and the offset when it is malformed.
func FromEnv() (*Filter, error) {
	text := os.Getenv(EnvVar)
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	f, err := Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvVar, err)
	}
	return f, nil
}
