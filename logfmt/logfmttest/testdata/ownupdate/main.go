// Ownupdate is a program, not a test, that imports logfmttest and has an
// -update flag of its own: importing logfmttest must not clash with it.
package main

import (
	"flag"
	"fmt"

	"github.com/spanlog/spanlog/logfmt/logfmttest"
)

func main() {
	update := flag.Bool("update", false, "the program's own -update")
	flag.Parse()
	fmt.Println("update:", *update, "golden update:", logfmttest.Update())
}
