package levels_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"

	"github.com/spanlog/spanlog/levels"
	"github.com/spanlog/spanlog/storage"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func ExampleParse() {
	f, err := levels.Parse("WARN, github.com/acme/app/db=debug, [checkout{user.id=42}]=debug")
	fmt.Println(f, err)
	_, err = levels.Parse("info,github.com/acme/app=loud")
	fmt.Println(err)
	// Output:
	// warn,github.com/acme/app/db=debug,[checkout{user.id=42}]=debug <nil>
	// levels: directive "github.com/acme/app=loud" at offset 25: unknown level "loud"; want debug, info, warn, error or off, optionally with +N or -N (info+2)
}

func ExampleSwitch() {
	f, _ := levels.Parse("warn,[checkout]=debug")
	sw := levels.NewSwitch(f, levels.WithOnChange(func(c levels.Change) {
		fmt.Printf("levels changed from %q to %q\n", c.From, c.To)
	}))
	defer sw.Close()

	// The processor goes after storage, before any span printer.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(storage.New(levels.NewProcessor(sw, nil))))
	defer tp.Shutdown(context.Background())

	// The directives decide, not the inner handler's level.
	text := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.Level(math.MinInt),
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	log := slog.New(levels.NewHandler(text, sw))

	ctx, span := tp.Tracer("app").Start(context.Background(), "checkout")
	log.DebugContext(ctx, "in checkout")
	span.End()
	log.Debug("outside")

	_, _ = sw.Set("debug", 0)
	log.Debug("after the change")
	// Output:
	// level=DEBUG msg="in checkout"
	// levels changed from "warn,[checkout]=debug" to "debug"
	// level=DEBUG msg="after the change"
}
