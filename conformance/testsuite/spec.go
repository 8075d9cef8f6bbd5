package testsuite

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Operation types of the newer specification form. Run, Wait, Read and
// Write are what a preview1 command needs; the others belong to the
// preview2/3 socket and HTTP tests and make a test skipped (see
// [Spec.Unsupported]).
const (
	OpRun     = "run"     // start the guest: Args, Env, Dirs
	OpWait    = "wait"    // close its stdin, wait for it to end, check ExitCode
	OpRead    = "read"    // read len(Payload) bytes of stream ID ("stdout", "stderr") and compare
	OpWrite   = "write"   // write Payload to stream ID ("stdin")
	OpConnect = "connect" // not supported: preview2/3 sockets
	OpSend    = "send"    // not supported: preview2/3 sockets
	OpRecv    = "recv"    // not supported: preview2/3 sockets
	OpRequest = "request" // not supported: wasi:http
	OpKill    = "kill"    // not supported: signals
)

// WorldCLICommand is the only world a preview1 host runs.
const WorldCLICommand = "wasi:cli/command"

// Operation is one step of a test. Which fields count depends on Type; the
// others are zero.
type Operation struct {
	Type string

	// OpRun: the guest's arguments (after the program name), its whole
	// environment, and the directories to pre-open, relative to the test's
	// directory and pre-opened under the same name.
	Args []string
	Env  map[string]string
	Dirs []string
	// Root, when set (the legacy "root" field), is a directory relative to
	// the test's directory pre-opened as "/".
	Root string

	// OpWait: the exit code expected.
	ExitCode int

	// OpRead, OpWrite: the stream, and the bytes expected or written.
	ID      string
	Payload string
	// ToEnd makes an OpRead compare the whole rest of the stream, up to the
	// guest's end, with Payload rather than its next len(Payload) bytes:
	// the legacy "stdout" and "stderr" fields expect the exact output.
	ToEnd bool
}

// Spec is a test's specification: what to run and what to expect. Both
// JSON forms of wasi-testsuite parse into it; the legacy form becomes a run,
// exact reads of stdout and stderr when given, and a wait.
type Spec struct {
	Operations []Operation
	Proposals  []string // WASI proposals the test needs ("http", "sockets")
	World      string   // the world the test targets; WorldCLICommand by default
	Legacy     bool     // parsed from the legacy form
}

// DefaultSpec returns the specification of a test without a JSON file: run
// with no arguments, environment or directories, and exit with 0.
func DefaultSpec() *Spec {
	return &Spec{
		Operations: []Operation{{Type: OpRun}, {Type: OpWait}},
		World:      WorldCLICommand,
		Legacy:     true,
	}
}

var (
	legacyKeys = []string{"args", "dirs", "env", "exit_code", "root", "stderr", "stdout", "wasi_functions"}
	newKeys    = []string{"operations", "proposals", "world"}
)

// legacySpec is the legacy JSON form.
type legacySpec struct {
	Args     []string          `json:"args"`
	Dirs     []string          `json:"dirs"`
	Root     string            `json:"root"`
	Env      map[string]string `json:"env"`
	ExitCode int               `json:"exit_code"`
	Stdout   *string           `json:"stdout"`
	Stderr   *string           `json:"stderr"`
}

// newSpec is the newer JSON form.
type newSpec struct {
	Operations []json.RawMessage `json:"operations"`
	Proposals  []string          `json:"proposals"`
	World      *string           `json:"world"`
}

// jsonOp is one operation of the newer form.
type jsonOp struct {
	Type     string            `json:"type"`
	Args     []string          `json:"args"`
	Env      map[string]string `json:"env"`
	Dirs     []string          `json:"dirs"`
	ExitCode int               `json:"exit_code"`
	ID       *string           `json:"id"`
	Payload  string            `json:"payload"`
}

// ParseSpec parses a test's JSON specification, in either form. Missing
// fields take their defaults (no arguments, environment or directories,
// exit code 0, stdout and stderr not checked; a read of "stdout", a write to
// "stdin"). Unknown fields are ignored. Errors: invalid JSON, a field of the
// wrong type, the two forms mixed, an unknown operation type, a directory
// that is not a local relative path, or operations out of order (a read,
// write or wait with no guest running, a run while one is).
func ParseSpec(data []byte) (*Spec, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	hasAny := func(names []string) bool {
		return slices.ContainsFunc(names, func(k string) bool { _, ok := keys[k]; return ok })
	}
	legacy, newer := hasAny(legacyKeys), hasAny(newKeys)
	if legacy && newer {
		return nil, errors.New("spec: legacy fields (args, env, dirs, exit_code, stdout, stderr) mixed with operations")
	}
	var s *Spec
	if newer {
		var n newSpec
		if err := json.Unmarshal(data, &n); err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		s = &Spec{Proposals: n.Proposals, World: WorldCLICommand}
		if n.World != nil {
			s.World = *n.World
		}
		for i, raw := range n.Operations {
			op, err := parseOp(raw)
			if err != nil {
				return nil, fmt.Errorf("spec: operation %d: %w", i, err)
			}
			s.Operations = append(s.Operations, op)
		}
	} else {
		var l legacySpec
		if err := json.Unmarshal(data, &l); err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		s = &Spec{World: WorldCLICommand, Legacy: true}
		s.Operations = append(s.Operations, Operation{Type: OpRun, Args: l.Args, Env: l.Env, Dirs: l.Dirs, Root: l.Root})
		if l.Stdout != nil {
			s.Operations = append(s.Operations, Operation{Type: OpRead, ID: "stdout", Payload: *l.Stdout, ToEnd: true})
		}
		if l.Stderr != nil {
			s.Operations = append(s.Operations, Operation{Type: OpRead, ID: "stderr", Payload: *l.Stderr, ToEnd: true})
		}
		s.Operations = append(s.Operations, Operation{Type: OpWait, ExitCode: l.ExitCode})
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func parseOp(raw json.RawMessage) (Operation, error) {
	var j jsonOp
	if err := json.Unmarshal(raw, &j); err != nil {
		return Operation{}, err
	}
	op := Operation{Type: j.Type}
	switch j.Type {
	case OpRun:
		op.Args, op.Env, op.Dirs = j.Args, j.Env, j.Dirs
	case OpWait:
		op.ExitCode = j.ExitCode
	case OpRead, OpWrite:
		op.ID, op.Payload = "stdout", j.Payload
		if j.Type == OpWrite {
			op.ID = "stdin"
		}
		if j.ID != nil {
			op.ID = *j.ID
		}
	case OpConnect, OpSend, OpRecv, OpRequest, OpKill:
		// Parsed for Unsupported only.
	case "":
		return op, errors.New("no type")
	default:
		return op, fmt.Errorf("unknown type %q", j.Type)
	}
	return op, nil
}

// validate checks the order of the operations and the directories.
func (s *Spec) validate() error {
	running := false
	for i, op := range s.Operations {
		bad := func(format string, a ...any) error {
			return fmt.Errorf("spec: operation %d (%s): %s", i, op.Type, fmt.Sprintf(format, a...))
		}
		switch op.Type {
		case OpRun:
			if running {
				return bad("a guest is already running")
			}
			running = true
			for _, d := range append(slices.Clip(op.Dirs), op.Root) {
				if d != "" && !filepath.IsLocal(filepath.FromSlash(d)) {
					return bad("directory %q is not a relative path inside the test's directory", d)
				}
			}
		case OpWait:
			if !running {
				return bad("no guest running")
			}
			running = false
		case OpRead:
			if !running {
				return bad("no guest running")
			}
			if op.ID != "stdout" && op.ID != "stderr" {
				return bad("cannot read stream %q (want stdout or stderr)", op.ID)
			}
		case OpWrite:
			if !running {
				return bad("no guest running")
			}
			if op.ID != "stdin" {
				return bad("cannot write stream %q (want stdin)", op.ID)
			}
		}
	}
	return nil
}

// Unsupported returns why a preview1 host cannot run the test (it needs
// WASI proposals, another world, or socket, HTTP or signal operations), or
// "" when it can.
func (s *Spec) Unsupported() string {
	if len(s.Proposals) > 0 {
		return "needs WASI proposals " + strings.Join(s.Proposals, ", ")
	}
	if s.World != "" && s.World != WorldCLICommand {
		return "targets world " + s.World
	}
	for _, op := range s.Operations {
		switch op.Type {
		case OpConnect, OpSend, OpRecv, OpRequest, OpKill:
			return "operation " + op.Type + " is not supported"
		}
	}
	return ""
}

// dirs returns every directory the runs of s pre-open, relative to the
// test's directory, without duplicates, in order.
func (s *Spec) dirs() []string {
	var out []string
	for _, op := range s.Operations {
		for _, d := range append(slices.Clip(op.Dirs), op.Root) {
			if d != "" && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// LoadSpec returns the specification of the test module at wasmPath: the
// JSON file beside it with the same base name, or [DefaultSpec] when there
// is none. Errors: an unreadable or invalid JSON file.
func LoadSpec(wasmPath string) (*Spec, error) {
	data, err := os.ReadFile(strings.TrimSuffix(wasmPath, ".wasm") + ".json")
	if errors.Is(err, os.ErrNotExist) {
		return DefaultSpec(), nil
	}
	if err != nil {
		return nil, err
	}
	return ParseSpec(data)
}

// sortedEnv returns env as NAME=VALUE, sorted by name.
func sortedEnv(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
