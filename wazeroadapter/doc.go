// Package wazeroadapter binds any implementation of capwasi's contracts
// (package common) to the wazero runtime as the wasi_snapshot_preview1
// host module: the preview1 ABI, guest memory in, contract calls, errnos
// out.
//
// Instantiate the host module once into a runtime, then instantiate or run
// any number of guests against it, each with its own [common.WasiCtx] and
// its own descriptor table:
//
//	r := wazero.NewRuntime(ctx)
//	defer r.Close(ctx)
//	host, err := wazeroadapter.Instantiate(ctx, r)
//	...
//	compiled, err := r.CompileModule(ctx, wasm)
//	...
//	exitCode, err := host.Run(ctx, compiled, wasiCtx, nil)
//
// or, for one guest, [Run].
//
// The package implements all 46 preview1 functions, the descriptor table
// (which reuses freed numbers without allocating), the rights model, and
// the checks of every guest argument: pointers and lengths (EFAULT), flags
// and enums (EINVAL), paths (NUL, UTF-8, length). No guest input makes it
// panic. Buffers and paths reach the implementation as views of guest
// memory, without copies, and the frequent calls allocate nothing. [WithTrace] logs every call.
//
// Limits bound what one guest can make the host do, each with a default
// and an option: open descriptors ([WithMaxOpenFiles], EMFILE; those all
// instances opened together [WithMaxHostOpenFiles], ENFILE), path length
// and components ([WithMaxPathLength], [WithMaxPathComponents],
// ENAMETOOLONG), directory entries per fd_readdir
// ([WithMaxReaddirEntries]), bytes per read or write ([WithMaxIOBytes], a
// short transfer) and the size of the arguments and environment
// ([WithMaxArgsEnvSize], E2BIG). docs/security.md lists them.
//
// The errno choices, where the specification leaves room, follow wasmtime
// and the WebAssembly wasi-testsuite; docs/architecture.md (section
// wazeroadapter) lists them.
package wazeroadapter
