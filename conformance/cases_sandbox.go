package conformance

import (
	"os"
	"path/filepath"
)

// Cases of the sandbox: no path, symbolic link or operation spanning two
// pre-opens may reach outside a pre-opened directory or change a read-only
// one. Every case also has the suite's own check that the directory beside
// the root ("outside", holding "secret") is unchanged. A refused escape is
// EPERM, common's one errno for leaving the tree (wasmtime, wasi-testsuite
// interesting_paths), and so is a change a read-only tree refuses.

// readOnlyFileRights are every right of a file but FD_WRITE, as a Go guest
// asks for them when it opens a file read-only (FD_FILESTAT_SET_SIZE
// included): the file is opened for reading only.
const readOnlyFileRights = "RIGHTS_FD_READ|RIGHTS_FD_SEEK|RIGHTS_FD_TELL|RIGHTS_FD_FILESTAT_GET|RIGHTS_FD_FILESTAT_SET_SIZE|RIGHTS_FD_FILESTAT_SET_TIMES|RIGHTS_FD_ALLOCATE|RIGHTS_FD_DATASYNC|RIGHTS_FD_SYNC|RIGHTS_FD_ADVISE"

// refused is what an escape or a change to a read-only tree answers.
const refused = "EPERM"

// refusedInRoot is what following, in the pre-open named "/", an absolute
// link to a path that does not exist beneath it may answer: refused, or,
// with FeatureRootSemantics, ENOENT.
const refusedInRoot = refused + "|ENOENT"

// outsideLinks adds to mkTree's entries symbolic links planted by the host
// that lead out: relative, absolute to the real secret, absolute to a
// system file, and to a directory with a trailing slash.
func outsideLinks(entries ...string) func(root string) error {
	return func(root string) error {
		if err := mkTree(entries...)(root); err != nil {
			return err
		}
		outside := filepath.Join(filepath.Dir(root), "outside")
		for name, target := range map[string]string{
			"rel":      "../outside/secret",
			"reldir":   "../outside",
			"slashdir": "../outside/",
			"abs":      filepath.Join(outside, "secret"),
			"absdir":   outside,
			"etc":      "/etc/passwd",
		} {
			if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
				return err
			}
		}
		return nil
	}
}

// mirrorOf returns where, beneath root, the host path of the "outside"
// directory beside root lies.
func mirrorOf(root string) string {
	return filepath.Join(root, filepath.Join(filepath.Dir(root), "outside"))
}

// mirrorOutside is outsideLinks plus, beneath the root, a copy of the
// outside secret at its host path ("mirror") and one at outside/secret
// ("top mirror"): where absolute links land with root semantics.
func mirrorOutside(root string) error {
	if err := outsideLinks()(root); err != nil {
		return err
	}
	for path, text := range map[string]string{
		filepath.Join(mirrorOf(root), "secret"):  "mirror",
		filepath.Join(root, "outside", "secret"): "top mirror",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	register(
		Case{
			Name: "sandbox/absolute-and-dot-dot-paths",
			Tree: mkTree("dir/", "f=x"),
			Script: `
path_open 3 0 s:"/etc/passwd" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:"/" 0 0 0 0 out:4               => ` + refused + `
path_open 3 0 s:"/f" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:".." 0 0 0 0 out:4              => ` + refused + `
path_open 3 0 s:"../outside/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:"dir/../../outside/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:"dir/../dir/../../root/f" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:"../outside/new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ` + refused + `
path_open 3 0 s:"../outside/secret" OFLAGS_TRUNC 0 0 0 out:4 => ` + refused + `
path_open 3 0 s:"dir/.." 0 0 0 0 out:4          => ESUCCESS`,
		},
		Case{
			// Every path function refuses ".." above the pre-open.
			Name: "sandbox/dot-dot-in-every-path-function",
			Tree: mkTree("f=x"),
			Script: `
path_create_directory 3 s:"../outside/d"        => ` + refused + `
path_remove_directory 3 s:"../outside"          => ` + refused + `
path_unlink_file 3 s:"../outside/secret"        => ` + refused + `
path_filestat_get 3 0 s:"../outside/secret" out:64 => ` + refused + `
path_filestat_set_times 3 0 s:"../outside/secret" 0 0 FSTFLAGS_MTIM_NOW => ` + refused + `
path_rename 3 s:"f" 3 s:"../outside/f"          => ` + refused + `
path_rename 3 s:"../outside/secret" 3 s:"got"   => ` + refused + `
path_link 3 0 s:"../outside/secret" 3 s:"got"   => ` + refused + `
path_link 3 0 s:"f" 3 s:"../outside/f"          => ` + refused + `
path_symlink s:"f" 3 s:"../outside/l"           => ` + refused + `
path_readlink 3 s:"../outside/secret" buf:16 out:4 => ` + refused,
			Check: checkAll(wantFile("f", "x"), wantAbsent("got")),
		},
		Case{
			// LESSONS (wazero's mounts): links the host planted that lead out,
			// relative or absolute, are never followed out, at the end of a
			// path or in its middle; reading a link's content is harmless.
			// (In "/", absolute targets are refused, or, with
			// FeatureRootSemantics, followed inside, where these lead
			// nowhere: ENOENT, or ELOOP for "etc", whose target "/etc/..."
			// is itself.)
			Name: "sandbox/host-planted-symlinks",
			Tree: outsideLinks("f=x"),
			Script: `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"rel" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"abs" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refusedInRoot + `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"etc" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refusedInRoot + `|ELOOP
path_open 3 0 s:"reldir/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:"absdir/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refusedInRoot + `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"rel" OFLAGS_TRUNC RIGHTS_FD_WRITE 0 0 out:4 => ` + refused + `
path_open 3 0 s:"reldir/new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ` + refused + `
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"abs" out:64 => ` + refusedInRoot + `
path_filestat_get 3 0 s:"reldir/secret" out:64  => ` + refused + `
path_filestat_set_times 3 LOOKUP_SYMLINK_FOLLOW s:"rel" 0 0 FSTFLAGS_MTIM_NOW => ` + refused + `
path_create_directory 3 s:"absdir/d"            => ` + refusedInRoot + `
path_unlink_file 3 s:"reldir/secret"            => ` + refused + `
path_rename 3 s:"f" 3 s:"reldir/f"              => ` + refused + `
path_link 3 0 s:"f" 3 s:"absdir/f"              => ` + refusedInRoot + `
path_symlink s:"f" 3 s:"reldir/l"               => ` + refused + `
path_filestat_get 3 0 s:"abs" out:64            => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK
path_readlink 3 s:"rel" buf:17 out:4            => ESUCCESS str:"../outside/secret" u32:17`,
			Check: wantFile("f", "x"),
		},
		Case{
			// The same absolute links, planted in a pre-open not named "/":
			// always refused.
			Name: "sandbox/host-planted-absolute-symlinks-in-named-preopen",
			More: []MoreDir{{GuestPath: "/data", Tree: outsideLinks("f=x")}},
			Script: `
path_open 4 LOOKUP_SYMLINK_FOLLOW s:"abs" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 4 LOOKUP_SYMLINK_FOLLOW s:"etc" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 4 0 s:"absdir/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 4 0 s:"absdir/new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ` + refused + `
path_filestat_get 4 LOOKUP_SYMLINK_FOLLOW s:"abs" out:64 => ` + refused + `
path_filestat_set_times 4 LOOKUP_SYMLINK_FOLLOW s:"abs" 0 0 FSTFLAGS_MTIM_NOW => ` + refused + `
path_create_directory 4 s:"absdir/d"            => ` + refused + `
path_link 4 0 s:"f" 4 s:"absdir/f"              => ` + refused + `
path_rename 4 s:"f" 4 s:"absdir/f"              => ` + refused + `
path_symlink s:"/f" 4 s:"new"                   => ` + refused + `
path_filestat_get 4 0 s:"abs" out:64            => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK`,
		},
		Case{
			// FeatureRootSemantics: an absolute link in "/" to the host path
			// of the secret outside lands on the same path inside the
			// pre-open, and "/.." there is "/" (chroot); nothing outside is
			// read or changed. ".." above "/" in the guest's own path, or in
			// a relative link before any absolute one, is still refused.
			Name:  "sandbox/absolute-symlinks-stay-in-root",
			Needs: []Feature{FeatureRootSemantics, FeatureWritableTree},
			Tree:  mirrorOutside,
			Script: `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"abs" 0 RIGHTS_FD_READ 0 0 out:4>a => ESUCCESS
fd_read $a iovout:32 out:4                      => ESUCCESS str:"mirror" u32:6
path_open 3 0 s:"absdir/secret" 0 RIGHTS_FD_READ 0 0 out:4>b => ESUCCESS
fd_read $b iovout:32 out:4                      => ESUCCESS str:"mirror" u32:6
path_symlink s:"/../../../../../../outside/secret" 3 s:"up" => ESUCCESS
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"up" 0 RIGHTS_FD_READ 0 0 out:4>c => ESUCCESS
fd_read $c iovout:32 out:4                      => ESUCCESS str:"top mirror" u32:10
path_symlink s:"/reldir" 3 s:"absrel"           => ESUCCESS
path_open 3 0 s:"absrel/secret" 0 RIGHTS_FD_READ 0 0 out:4>d => ESUCCESS
fd_read $d iovout:32 out:4                      => ESUCCESS str:"top mirror" u32:10
path_open 3 0 s:"reldir/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 0 s:"../outside/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"abs" OFLAGS_TRUNC RIGHTS_FD_WRITE 0 0 out:4 => ESUCCESS
path_create_directory 3 s:"absdir/made"         => ESUCCESS
path_unlink_file 3 s:"up"                       => ESUCCESS`,
			Check: checkAll(wantFile("outside/secret", "top mirror"), func(_ Outcome, root string) error {
				mirror, _ := filepath.Rel(root, mirrorOf(root))
				return checkAll(wantFile(filepath.Join(mirror, "secret"), ""), wantDir(filepath.Join(mirror, "made")))(Outcome{}, root)
			}),
		},
		Case{
			// LESSONS (2026 cap-std advisory): a link whose target ends in
			// "/" is not followed by a no-follow open.
			Name: "sandbox/symlink-to-slash-not-followed",
			Tree: outsideLinks("sub/", "insub->sub/"),
			Script: `
path_open 3 0 s:"slashdir" 0 0 0 0 out:4        => ELOOP|ENOTDIR
path_open 3 0 s:"slashdir" OFLAGS_DIRECTORY 0 0 0 out:4 => ELOOP|ENOTDIR
path_open 3 0 s:"slashdir/" 0 0 0 0 out:4       => ` + refused + `
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"slashdir" 0 0 0 0 out:4 => ` + refused + `
path_open 3 0 s:"insub" OFLAGS_DIRECTORY 0 0 0 out:4 => ELOOP|ENOTDIR
path_open 3 0 s:"insub/" OFLAGS_DIRECTORY 0 0 0 out:4 => ESUCCESS`,
		},
		Case{
			// A link the guest makes may point anywhere (the content is only
			// a string), but it is never followed out.
			Name: "sandbox/guest-made-symlink",
			Script: `
path_symlink s:"../outside" 3 s:"esc"           => ESUCCESS|EPERM
path_open 3 0 s:"esc/secret" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `|ENOENT
path_open 3 0 s:"esc/new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ` + refused + `|ENOENT
path_symlink s:"../../../../../../../../etc/passwd" 3 s:"deep" => ESUCCESS|EPERM
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"deep" 0 RIGHTS_FD_READ 0 0 out:4 => ` + refused + `|ENOENT`,
		},
		Case{
			// LESSONS (2026 advisory): O_TRUNC, like every write-capable
			// flag, is refused in a read-only pre-open; nothing changes.
			// The refusal is EPERM, checked before the path (common's
			// "Read-only trees"): whether the name exists, is missing, is
			// a directory or leaves the tree, the answer is EPERM. (A size
			// or allocation change through a descriptor opened for reading
			// may be refused by the binding first, ENOTCAPABLE, as the
			// descriptor never got the right.)
			Name:     "sandbox/read-only-preopen-refuses-writes",
			ReadOnly: true,
			Tree:     mkTree("f=keep", "d/", "d/inner=x", "l->f"),
			Script: `
path_open 3 0 s:"new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => EPERM
path_open 3 0 s:"f" OFLAGS_CREAT 0 0 0 out:4    => EPERM
path_open 3 0 s:"f" OFLAGS_CREAT|OFLAGS_EXCL 0 0 0 out:4 => EPERM
path_open 3 0 s:"f" 0 RIGHTS_FD_WRITE 0 0 out:4 => EPERM
path_open 3 0 s:"f" OFLAGS_TRUNC 0 0 0 out:4    => EPERM
path_open 3 0 s:"f" OFLAGS_TRUNC RIGHTS_FD_READ 0 0 out:4 => EPERM
path_open 3 0 s:"d" 0 RIGHTS_FD_WRITE 0 0 out:4 => EPERM
path_open 3 0 s:"missing/f" OFLAGS_CREAT 0 0 0 out:4 => EPERM
path_create_directory 3 s:"nd"                  => EPERM
path_create_directory 3 s:"d"                   => EPERM
path_create_directory 3 s:"missing/nd"          => EPERM
path_remove_directory 3 s:"d"                   => EPERM
path_remove_directory 3 s:"f"                   => EPERM
path_unlink_file 3 s:"d/inner"                  => EPERM
path_unlink_file 3 s:"l"                        => EPERM
path_unlink_file 3 s:"d"                        => EPERM
path_unlink_file 3 s:"missing"                  => EPERM
path_rename 3 s:"f" 3 s:"g"                     => EPERM
path_rename 3 s:"missing" 3 s:"g"               => EPERM
path_rename 3 s:"f" 3 s:"d"                     => EPERM
path_link 3 0 s:"f" 3 s:"g"                     => EPERM
path_link 3 0 s:"f" 3 s:"d"                     => EPERM
path_symlink s:"f" 3 s:"s"                      => EPERM
path_symlink s:"f" 3 s:"f"                      => EPERM
path_symlink s:"/etc/passwd" 3 s:"s"            => EPERM
path_filestat_set_times 3 0 s:"f" 0 0 FSTFLAGS_MTIM_NOW => EPERM
path_filestat_set_times 3 0 s:"missing" 0 0 FSTFLAGS_MTIM_NOW => EPERM
fd_filestat_set_times 3 0 0 FSTFLAGS_MTIM_NOW   => EPERM
path_open 3 0 s:"f" 0 ` + readOnlyFileRights + ` 0 0 out:4>fd => ESUCCESS
fd_write $fd iov:"x" out:4                      => EBADF|ENOTCAPABLE
fd_pwrite $fd iov:"x" 0 out:4                   => EBADF|ENOTCAPABLE
fd_filestat_set_size $fd 0                      => EPERM|ENOTCAPABLE
fd_allocate $fd 0 100                           => EPERM|ENOTCAPABLE
fd_filestat_set_times $fd 0 0 FSTFLAGS_MTIM_NOW => EPERM
fd_read $fd iovout:4 out:4                      => ESUCCESS str:"keep" u32:4`,
			Check: checkAll(wantFile("f", "keep"), wantFile("d/inner", "x"), wantLink("l", "f"),
				wantAbsent("new", "nd", "g", "s")),
		},
		Case{
			// LESSONS: a read-only directory reports what it allows: no
			// right to change the tree; a file opened for reading has
			// nothing to write with. Its inheriting rights keep FD_WRITE,
			// as wasmtime's do: wasi-libc asks for its access mode's rights
			// within them, so an O_RDWR open asks for FD_WRITE and is
			// refused, instead of becoming a read-only descriptor the
			// program believes it can write (SQLite then reports "disk I/O
			// error" rather than "readonly database").
			Name:     "sandbox/read-only-preopen-rights",
			ReadOnly: true,
			Tree:     mkTree("f=x", "d/"),
			Script: `
fd_fdstat_get 3 out:24 => ESUCCESS u64@8&RIGHTS_PATH_OPEN|RIGHTS_FD_READDIR|RIGHTS_PATH_FILESTAT_GET:RIGHTS_PATH_OPEN|RIGHTS_FD_READDIR|RIGHTS_PATH_FILESTAT_GET,u64@8&RIGHTS_PATH_CREATE_FILE|RIGHTS_PATH_CREATE_DIRECTORY|RIGHTS_PATH_UNLINK_FILE|RIGHTS_PATH_REMOVE_DIRECTORY|RIGHTS_PATH_RENAME_TARGET|RIGHTS_PATH_SYMLINK:0,u64@16&RIGHTS_FD_WRITE:RIGHTS_FD_WRITE,u64@16&RIGHTS_FD_READ:RIGHTS_FD_READ
path_open 3 0 s:"f" 0 RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_SEEK 0 0 out:4 => EPERM
path_open 3 0 s:"f" 0 ` + readOnlyFileRights + ` 0 0 out:4>fd => ESUCCESS
fd_fdstat_get $fd out:24 => ESUCCESS u64@8&RIGHTS_FD_WRITE|RIGHTS_FD_ALLOCATE|RIGHTS_FD_FILESTAT_SET_SIZE:0,u64@8&RIGHTS_FD_READ:RIGHTS_FD_READ
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>d => ESUCCESS
fd_fdstat_get $d out:24 => ESUCCESS u64@8&RIGHTS_PATH_CREATE_FILE:0,u64@16&RIGHTS_FD_WRITE:RIGHTS_FD_WRITE`,
			Check: wantFile("f", "x"),
		},
		Case{
			// LESSONS (2026 advisory): an operation spanning two pre-opens
			// needs write access on both; a file may not move or be linked
			// into a read-only one. An implementation that cannot rename
			// across pre-opens at all answers EXDEV.
			Name: "sandbox/into-read-only-preopen",
			Tree: mkTree("f=mine"),
			More: []MoreDir{{GuestPath: "/ro", ReadOnly: true}},
			Script: `
path_rename 3 s:"f" 4 s:"f"                     => EPERM|EXDEV
path_link 3 0 s:"f" 4 s:"f"                     => EPERM|EXDEV
path_open 4 0 s:"f" 0 0 0 0 out:4               => ENOENT
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4  => ESUCCESS`,
			Check: wantFile("f", "mine"),
		},
	)
}
