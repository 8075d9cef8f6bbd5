package testsuite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/capwasi/capwasi/conformance/engine"
)

// stopGrace is how long a cancelled guest has to stop.
const stopGrace = 10 * time.Second

// testRun is the state of one test while its operations run.
type testRun struct {
	engine  engine.Engine
	timeout time.Duration
	scratch string // holds the copies of the pre-opened directories
	wasm    []byte
	argv0   string
	fail    func(format string, a ...any)
	g       *guest // the running guest, if any
}

// guest is one run of the module, in a goroutine of its own.
type guest struct {
	done           chan struct{} // closed when the run has ended
	code           uint32
	err            error
	stdin          *os.File // the write end of the guest's stdin
	stdinClosed    bool
	stdout, stderr *stream
	cancel         context.CancelFunc
}

// do runs one operation. Operations that need a guest do nothing when the
// run that should have started it failed (that failure is reported).
func (t *testRun) do(ctx context.Context, op Operation) {
	if op.Type == OpRun {
		t.run(ctx, op)
		return
	}
	g := t.g
	if g == nil {
		return
	}
	switch op.Type {
	case OpWrite:
		t.write(g, op.Payload)
	case OpRead:
		t.read(ctx, g, op)
	case OpWait:
		t.wait(g, op.ExitCode)
	}
}

func (t *testRun) run(ctx context.Context, op Operation) {
	inv := &engine.Invocation{
		Wasm: t.wasm,
		Args: append([]string{t.argv0}, op.Args...),
		Env:  sortedEnv(op.Env),
	}
	if op.Root != "" {
		inv.Dirs = append(inv.Dirs, engine.Dir{HostPath: filepath.Join(t.scratch, filepath.FromSlash(op.Root)), GuestPath: "/"})
	}
	for _, d := range op.Dirs {
		inv.Dirs = append(inv.Dirs, engine.Dir{HostPath: filepath.Join(t.scratch, filepath.FromSlash(d)), GuestPath: d})
	}
	rd, wr, err := os.Pipe()
	if err != nil {
		t.fail("run: %v", err)
		return
	}
	gctx, cancel := context.WithCancel(ctx)
	g := &guest{done: make(chan struct{}), stdin: wr, stdout: newStream(), stderr: newStream(), cancel: cancel}
	inv.Stdin, inv.Stdout, inv.Stderr = rd, g.stdout, g.stderr
	go func() {
		defer close(g.done)
		g.code, g.err = t.engine.Run(gctx, inv)
		g.stdout.close()
		g.stderr.close()
		rd.Close()
	}()
	t.g = g
}

func (t *testRun) write(g *guest, payload string) {
	if g.stdinClosed {
		t.fail("write stdin: already closed")
		return
	}
	errc := make(chan error, 1)
	go func() {
		_, err := g.stdin.Write([]byte(payload))
		errc <- err
	}()
	select {
	case err := <-errc:
		if err != nil {
			t.fail("write stdin: %v", err)
		}
	case <-time.After(t.timeout):
		t.fail("write stdin: the guest read nothing for %v", t.timeout)
		g.closeStdin()
	}
}

func (t *testRun) read(ctx context.Context, g *guest, op Operation) {
	s := g.stdout
	if op.ID == "stderr" {
		s = g.stderr
	}
	if op.ToEnd {
		// The whole output needs the guest to end, which it may only do at
		// the end of its input.
		g.closeStdin()
	}
	rctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	got, err := s.read(rctx, len(op.Payload), op.ToEnd)
	if err != nil {
		t.fail("%s %s, want %s (timed out after %v)", op.ID, quote(got), quote([]byte(op.Payload)), t.timeout)
		return
	}
	if string(got) != op.Payload {
		t.fail("%s %s, want %s", op.ID, quote(got), quote([]byte(op.Payload)))
	}
}

func (t *testRun) wait(g *guest, want int) {
	t.g = nil
	g.closeStdin()
	select {
	case <-g.done:
	case <-time.After(t.timeout):
		t.fail("the guest did not exit within %v", t.timeout)
		t.stopGuest(g)
		return
	}
	g.cancel()
	if g.err != nil {
		t.fail("run: %v%s", g.err, stderrTail(g))
		return
	}
	if int64(g.code) != int64(want) {
		t.fail("exit code %d, want %d%s", g.code, want, stderrTail(g))
	}
}

// stop ends a guest still running when the test ends (after a failure).
func (t *testRun) stop() {
	if t.g != nil {
		t.stopGuest(t.g)
		t.g = nil
	}
}

// stopGuest cancels g and waits a while for it to end.
func (t *testRun) stopGuest(g *guest) {
	g.cancel()
	g.closeStdin()
	select {
	case <-g.done:
	case <-time.After(stopGrace):
		t.fail("the guest did not stop within %v of being cancelled", stopGrace)
	}
}

func (g *guest) closeStdin() {
	if !g.stdinClosed {
		g.stdinClosed = true
		g.stdin.Close()
	}
}

// stderrTail returns the end of what g wrote to stderr, to show with a
// failure, or "".
func stderrTail(g *guest) string {
	b := g.stderr.all()
	if len(b) == 0 {
		return ""
	}
	const max = 300
	if len(b) > max {
		b = append([]byte("..."), b[len(b)-max:]...)
	}
	return " (stderr " + strconv.Quote(string(b)) + ")"
}

// quote returns b quoted, shortened when long.
func quote(b []byte) string {
	const max = 300
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return strconv.Quote(string(b))
}
