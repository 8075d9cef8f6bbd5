package conformance

import (
	"fmt"
	"strings"
)

// Cases of the path_* functions on files and directories: path_open,
// path_create_directory, path_remove_directory, path_unlink_file,
// path_rename, path_link, path_filestat_get and path_filestat_set_times.
// Symbolic links are in cases_symlink.go, escapes in cases_sandbox.go.
// Most are the assertions of the wasi-testsuite programs they are named
// after, with the testsuite's accepted errnos.

// longPath is one byte longer than the adapter's default path limit
// (PATH_MAX, 4096).
var longPath = strings.Repeat("a/", 2048) + "b"

// pathErrors returns the steps every path function shares, for the call
// format (a fmt pattern whose %[1]s is the directory descriptor and %[2]s
// the path parameters): a bad descriptor, a descriptor that is not a
// directory, bad path pointers, an empty path, NUL, invalid UTF-8 and an
// over-long path. The case's tree must hold a file named "file".
func pathErrors(format string) string {
	line := func(fd, path, want string) string {
		return fmt.Sprintf(format, fd, path) + " => " + want + "\n"
	}
	return `path_open 3 0 s:"file" 0 RIGHTS_FD_READ 0 0 out:4>file => ESUCCESS
` + line("99", `s:"x"`, "EBADF") +
		line("$file", `s:"x"`, "ENOTDIR") +
		line("3", badPtr+" 4", "EFAULT") +
		line("3", `sp:"x" `+badLen, "EFAULT") +
		line("3", `sp:"x" 0`, "ENOENT") +
		line("3", `s:"x\x00y"`, "EINVAL") +
		line("3", `s:"\xff\xfe"`, "EILSEQ") +
		line("3", `s:"`+longPath+`"`, "ENAMETOOLONG")
}

func init() {
	register(
		Case{
			Name:  "path_open/create-open-exclusive",
			Needs: writes,
			Script: `
path_open 3 0 s:"file" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4>fd => ESUCCESS
fd_write $fd iov:"first" out:4                  => ESUCCESS u32:5
path_open 3 0 s:"file" OFLAGS_CREAT|OFLAGS_EXCL 0 0 0 out:4 => EEXIST
path_open 3 0 s:"file" OFLAGS_CREAT RIGHTS_FD_READ 0 0 out:4>again => ESUCCESS
fd_read $again iovout:8 out:4                   => ESUCCESS str:"first" u32:5
path_open 3 0 s:"new" OFLAGS_CREAT|OFLAGS_EXCL 0 0 0 out:4 => ESUCCESS`,
			Check: checkAll(wantFile("file", "first"), wantFile("new", "")),
		},
		Case{
			// wasi-testsuite path_open_missing.
			Name: "path_open/missing-ENOENT",
			Tree: mkTree("dir/"),
			Script: `
path_open 3 0 s:"file" 0 0 0 0 out:4            => ENOENT
path_open 3 0 s:"dir/file" 0 0 0 0 out:4        => ENOENT
path_open 3 0 s:"nodir/file" 0 0 0 0 out:4      => ENOENT`,
			Check: wantAbsent("file", "dir/file", "nodir"),
		},
		Case{
			// wasi-testsuite path_open_missing: creating in a directory that
			// is not there.
			Name:  "path_open/create-in-missing-directory-ENOENT",
			Needs: writes,
			Tree:  mkTree("dir/"),
			Script: `
path_open 3 0 s:"nodir/file" OFLAGS_CREAT 0 0 0 out:4 => ENOENT`,
			Check: wantAbsent("nodir"),
		},
		Case{
			// wasi-testsuite interesting_paths: ".." inside the tree is
			// fine; trailing slashes name directories only.
			Name: "path_open/interesting-paths",
			Tree: mkTree("dir/nested/", "dir/nested/file=x"),
			Script: `
path_open 3 0 s:"dir/.//nested/../../dir/nested/../nested///./file" 0 0 0 0 out:4>fd => ESUCCESS
fd_close $fd                                    => ESUCCESS
path_open 3 0 s:"dir/nested/file/" 0 0 0 0 out:4 => ENOTDIR|ENOENT
path_open 3 0 s:"dir/nested/file///" 0 0 0 0 out:4 => ENOTDIR|ENOENT
path_open 3 0 s:"dir/nested/" 0 0 0 0 out:4>d   => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u8@0:FILETYPE_DIRECTORY
path_open 3 0 s:"dir/nested///" 0 0 0 0 out:4   => ESUCCESS
path_open 3 0 s:"dir/nested/file\x00" 0 0 0 0 out:4 => EINVAL`,
		},
		Case{
			// LESSONS: a trailing "/" on a non-directory is ENOTDIR (with
			// OFLAGS_CREAT Linux answers EISDIR, which POSIX allows).
			Name: "path_open/trailing-slash-on-file",
			Tree: mkTree("f=x"),
			Script: `
path_open 3 0 s:"f/" 0 RIGHTS_FD_READ 0 0 out:4 => ENOTDIR
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"f/" 0 RIGHTS_FD_READ 0 0 out:4 => ENOTDIR
path_open 3 0 s:"f/." 0 0 0 0 out:4             => ENOTDIR`,
			Check: wantFile("f", "x"),
		},
		Case{
			// With OFLAGS_CREAT Linux answers EISDIR, which POSIX allows.
			Name:   "path_open/trailing-slash-create-on-file",
			Needs:  writes,
			Tree:   mkTree("f=x"),
			Script: `path_open 3 0 s:"f/" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ENOTDIR|EISDIR`,
			Check:  wantFile("f", "x"),
		},
		Case{
			Name:   "path_open/path-errors",
			Tree:   mkTree("file="),
			Script: pathErrors(`path_open %s 0 %s 0 0 0 0 out:4`),
		},
		Case{
			// The descriptor table holds 1024 descriptors (0 to 1023): one
			// more open is EMFILE, and closing one makes room again.
			Name: "path_open/table-full-EMFILE",
			Tree: mkTree("f="),
			Script: strings.Repeat("path_open 3 0 s:\"f\" 0 RIGHTS_FD_READ 0 0 out:4 => ESUCCESS\n", 1020) + `
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4  => EMFILE
path_open 3 0 s:"new" OFLAGS_CREAT 0 0 0 out:4  => EMFILE
fd_close 1000                                   => ESUCCESS
path_open 3 0 s:"f" 0 RIGHTS_FD_READ 0 0 out:4  => ESUCCESS u32:1000`,
			Check: wantAbsent("new"),
		},
		Case{
			Name: "path_open/bad-output-pointer-EFAULT",
			Script: `
path_open 3 0 s:"new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 ` + badPtr + ` => EFAULT`,
			Check: wantAbsent("new"),
		},
		Case{
			Name: "path_open/bad-flags-EINVAL",
			Script: `
path_open 3 0 s:"new" 0x10 0 0 0 out:4          => EINVAL
path_open 3 0 s:"new" OFLAGS_CREAT 0 0 0x20 out:4 => EINVAL
path_open 3 2 s:"new" OFLAGS_CREAT 0 0 0 out:4  => EINVAL
path_open 3 0xFFFFFFFF s:"new" 0 0 0 0 out:4    => EINVAL`,
			Check: wantAbsent("new"),
		},
		Case{
			// wasi-testsuite path_open_dirfd_not_dir.
			Name: "path_open/dirfd-not-dir",
			Tree: mkTree("file="),
			Script: `
path_open 3 0 s:"file" 0 0 0 0 out:4>fd         => ESUCCESS
path_open $fd 0 s:"foo" OFLAGS_CREAT 0 0 0 out:4 => ENOTDIR|ENOTCAPABLE
path_open 1 0 s:"foo" OFLAGS_CREAT 0 0 0 out:4  => ENOTDIR|ENOTCAPABLE`,
			Check: wantAbsent("foo"),
		},
		Case{
			Name: "path_open/directory-flag",
			Tree: mkTree("f=x", "d/"),
			Script: `
path_open 3 0 s:"f" OFLAGS_DIRECTORY 0 0 0 out:4 => ENOTDIR
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_FD_READDIR 0 0 out:4>d => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u8@0:FILETYPE_DIRECTORY
path_open 3 0 s:"d" 0 0 0 0 out:4>d2            => ESUCCESS
fd_fdstat_get $d2 out:24                        => ESUCCESS u8@0:FILETYPE_DIRECTORY
path_open 3 0 s:"missing" OFLAGS_DIRECTORY 0 0 0 out:4 => ENOENT`,
		},
		Case{
			// wasi-testsuite path_open_preopen and path_open_nonblock.
			Name: "path_open/preopen-dot",
			Script: `
path_open 3 0 s:"." 0 RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4 => ESUCCESS
path_open 3 0 s:"." 0 0 0 0 out:4               => ESUCCESS
path_open 3 0 s:"." OFLAGS_DIRECTORY 0 0 0 out:4 => ESUCCESS
path_open 3 0 s:"." OFLAGS_DIRECTORY RIGHTS_FD_READ 0 0 out:4 => ESUCCESS
path_open 3 0 s:"." 0 0 0 FDFLAGS_NONBLOCK out:4 => ESUCCESS`,
		},
		Case{
			// A directory cannot be created, truncated or written through
			// path_open.
			Name:  "path_open/directory-for-writing-EISDIR",
			Needs: writes,
			Tree:  mkTree("d/"),
			Script: `
path_open 3 0 s:"." OFLAGS_DIRECTORY RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 0 out:4 => EISDIR
path_open 3 0 s:"d" 0 RIGHTS_FD_WRITE 0 0 out:4 => EISDIR
path_open 3 0 s:"d" OFLAGS_TRUNC 0 0 0 out:4    => EISDIR
path_open 3 0 s:"d" OFLAGS_CREAT 0 0 0 out:4    => EISDIR
path_open 3 0 s:"d" OFLAGS_CREAT|OFLAGS_EXCL 0 0 0 out:4 => EEXIST`,
			Check: wantDir("d"),
		},
		Case{
			// wasi-testsuite file_truncation.
			Name:  "path_open/truncate",
			Needs: writes,
			Tree:  mkTree("f=this content will be truncated!"),
			Script: `
path_open 3 0 s:"f" OFLAGS_CREAT|OFLAGS_TRUNC RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 0 out:4>fd => ESUCCESS
fd_read $fd iovout:100 out:4                    => ESUCCESS _ u32:0
fd_fdstat_set_rights $fd RIGHTS_FD_READ|RIGHTS_FD_WRITE 0 => ESUCCESS
fd_filestat_get $fd out:64                      => ENOTCAPABLE
path_filestat_get 3 0 s:"f" out:64              => ESUCCESS u64@32:0`,
			Check: wantFile("f", ""),
		},
		Case{
			// wasi-testsuite file_unbuffered_write: two descriptors of one
			// file see each other's writes at once.
			Name:  "path_open/two-descriptors-one-file",
			Needs: writes,
			Script: `
path_open 3 0 s:"f" OFLAGS_CREAT RIGHTS_FD_READ 0 0 out:4>r => ESUCCESS
path_open 3 0 s:"f" 0 RIGHTS_FD_WRITE 0 0 out:4>w => ESUCCESS
fd_write $w iov:"\x01" out:4                    => ESUCCESS u32:1
fd_read $r iovout:1 out:4                       => ESUCCESS hex:01 u32:1`,
		},
		Case{
			// wasi-testsuite dangling_fd: a name can be created again after
			// its file or directory was removed.
			Name:  "path_open/recreate-after-removal",
			Needs: writes,
			Script: `
path_open 3 0 s:"f" OFLAGS_CREAT 0 0 0 out:4>fd => ESUCCESS
fd_close $fd                                    => ESUCCESS
path_open 3 0 s:"f" 0 0 0 0 out:4>fd2           => ESUCCESS
path_unlink_file 3 s:"f"                        => ESUCCESS
path_open 3 0 s:"f" OFLAGS_CREAT 0 0 0 out:4    => ESUCCESS
path_create_directory 3 s:"d"                   => ESUCCESS
path_open 3 0 s:"d" OFLAGS_DIRECTORY 0 0 0 out:4>d => ESUCCESS
fd_close $d                                     => ESUCCESS
path_remove_directory 3 s:"d"                   => ESUCCESS
path_create_directory 3 s:"d"                   => ESUCCESS`,
			Check: checkAll(wantFile("f", ""), wantDir("d")),
		},
		Case{
			Name:  "path_create_directory/create-and-exists",
			Needs: writes,
			Tree:  mkTree("f=x"),
			Script: `
path_create_directory 3 s:"d"                   => ESUCCESS
path_create_directory 3 s:"d/e"                 => ESUCCESS
path_create_directory 3 s:"trailing/"           => ESUCCESS
path_create_directory 3 s:"d"                   => EEXIST
path_create_directory 3 s:"f"                   => EEXIST
path_create_directory 3 s:"."                   => EEXIST
path_create_directory 3 s:"missing/e"           => ENOENT
path_create_directory 3 s:"f/e"                 => ENOTDIR
path_filestat_get 3 0 s:"d/e" out:64            => ESUCCESS u8@16:FILETYPE_DIRECTORY`,
			Check: checkAll(wantDir("d", "d/e", "trailing"), wantFile("f", "x"), wantAbsent("missing")),
		},
		Case{
			Name:   "path_create_directory/path-errors",
			Tree:   mkTree("file="),
			Script: pathErrors(`path_create_directory %s %s`),
			Check:  wantAbsent("x"),
		},
		Case{
			// wasi-testsuite remove_nonempty_directory and
			// remove_directory_trailing_slashes.
			Name:  "path_remove_directory/empty-nonempty-file",
			Needs: writes,
			Tree:  mkTree("dir/nested/", "empty/", "slash/", "file=x", "link->empty"),
			Script: `
path_remove_directory 3 s:"dir"                 => ENOTEMPTY
path_remove_directory 3 s:"dir/nested"          => ESUCCESS
path_remove_directory 3 s:"dir"                 => ESUCCESS
path_remove_directory 3 s:"empty"               => ESUCCESS
path_remove_directory 3 s:"empty"               => ENOENT
path_remove_directory 3 s:"slash/"              => ESUCCESS
path_remove_directory 3 s:"file"                => ENOTDIR
path_remove_directory 3 s:"file/"               => ENOTDIR
path_remove_directory 3 s:"link"                => ENOTDIR
path_remove_directory 3 s:"."                   => EINVAL|EBUSY`,
			Check: checkAll(wantAbsent("dir", "empty", "slash"), wantFile("file", "x"), wantLink("link", "empty")),
		},
		Case{
			Name:   "path_remove_directory/path-errors",
			Tree:   mkTree("file="),
			Script: pathErrors(`path_remove_directory %s %s`),
		},
		Case{
			// wasi-testsuite unlink_file_trailing_slashes (EPERM is macOS's
			// answer for a directory).
			Name:  "path_unlink_file/file-dir-trailing-slash",
			Needs: writes,
			Tree:  mkTree("dir/", "file=x", "other=y", "link->other", "dangling->nowhere"),
			Script: `
path_unlink_file 3 s:"dir"                      => EISDIR|EPERM
path_unlink_file 3 s:"dir/"                     => EISDIR|EPERM
path_unlink_file 3 s:"file/"                    => ENOTDIR
path_unlink_file 3 s:"file"                     => ESUCCESS
path_unlink_file 3 s:"file"                     => ENOENT
path_unlink_file 3 s:"link"                     => ESUCCESS
path_unlink_file 3 s:"dangling"                 => ESUCCESS
path_unlink_file 3 s:"missing/x"                => ENOENT`,
			Check: checkAll(wantDir("dir"), wantAbsent("file", "link", "dangling"), wantFile("other", "y")),
		},
		Case{
			Name:   "path_unlink_file/path-errors",
			Tree:   mkTree("file="),
			Script: pathErrors(`path_unlink_file %s %s`),
			Check:  wantFile("file", ""),
		},
		Case{
			// wasi-testsuite path_rename.
			Name:  "path_rename/directories",
			Needs: writes,
			Script: `
path_create_directory 3 s:"source"              => ESUCCESS
path_rename 3 s:"source" 3 s:"target"           => ESUCCESS
path_open 3 0 s:"source" OFLAGS_DIRECTORY 0 0 0 out:4 => ENOENT
path_open 3 0 s:"target" OFLAGS_DIRECTORY 0 0 0 out:4>fd => ESUCCESS
fd_close $fd                                    => ESUCCESS
path_remove_directory 3 s:"target"              => ESUCCESS
path_create_directory 3 s:"source"              => ESUCCESS
path_create_directory 3 s:"target"              => ESUCCESS
path_rename 3 s:"source" 3 s:"target"           => ESUCCESS
path_open 3 0 s:"source" OFLAGS_DIRECTORY 0 0 0 out:4 => ENOENT
path_create_directory 3 s:"source"              => ESUCCESS
path_open 3 0 s:"target/file" OFLAGS_CREAT 0 0 0 out:4 => ESUCCESS
path_rename 3 s:"source" 3 s:"target"           => ENOTEMPTY
path_rename 3 s:"source" 3 s:"target/file"      => ENOTDIR
path_rename 3 s:"source" 3 s:"source/inside"    => EINVAL`,
			Check: checkAll(wantDir("source", "target"), wantFile("target/file", "")),
		},
		Case{
			// wasi-testsuite path_rename.
			Name:  "path_rename/files",
			Needs: writes,
			Tree:  mkTree("source=one", "other=two", "dir/"),
			Script: `
path_rename 3 s:"source" 3 s:"target"           => ESUCCESS
path_open 3 0 s:"source" 0 0 0 0 out:4          => ENOENT
path_rename 3 s:"other" 3 s:"target"            => ESUCCESS
path_rename 3 s:"target" 3 s:"dir"              => EISDIR
path_rename 3 s:"target" 3 s:"target"           => ESUCCESS
path_rename 3 s:"missing" 3 s:"x"               => ENOENT
path_rename 3 s:"target" 3 s:"missing/x"        => ENOENT`,
			Check: checkAll(wantAbsent("source", "other", "x"), wantFile("target", "two"), wantDir("dir")),
		},
		Case{
			// wasi-testsuite path_rename_dir_trailing_slashes; a trailing
			// slash on a file is ENOTDIR.
			Name:  "path_rename/trailing-slashes",
			Needs: writes,
			Tree:  mkTree("source/", "file=x"),
			Script: `
path_rename 3 s:"source/" 3 s:"target"          => ESUCCESS
path_rename 3 s:"target" 3 s:"source/"          => ESUCCESS
path_rename 3 s:"source/" 3 s:"target/"         => ESUCCESS
path_rename 3 s:"target" 3 s:"source"           => ESUCCESS
path_rename 3 s:"file/" 3 s:"moved"             => ENOTDIR
path_rename 3 s:"file" 3 s:"moved/"             => ENOTDIR|ENOENT`,
			Check: checkAll(wantDir("source"), wantFile("file", "x"), wantAbsent("target", "moved")),
		},
		Case{
			// Renaming between two descriptors of one pre-open.
			Name:  "path_rename/between-directories",
			Needs: writes,
			Tree:  mkTree("a/", "b/", "a/f=moved"),
			Script: `
path_open 3 0 s:"a" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>a => ESUCCESS
path_open 3 0 s:"b" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>b => ESUCCESS
path_rename $a s:"f" $b s:"g"                   => ESUCCESS
path_rename $a s:"f" $b s:"g"                   => ENOENT`,
			Check: checkAll(wantFile("b/g", "moved"), wantAbsent("a/f")),
		},
		Case{
			Name: "path_rename/path-errors",
			Tree: mkTree("file="),
			Script: pathErrors(`path_rename %[1]s %[2]s 3 s:"new"`) +
				pathErrors(`path_rename 3 s:"file" %[1]s %[2]s`),
			Check: checkAll(wantFile("file", ""), wantAbsent("new")),
		},
		Case{
			// wasi-testsuite path_link.
			Name:  "path_link/same-and-other-directory",
			Needs: writes,
			Tree:  mkTree("subdir/"),
			Script: `
path_open 3 0 s:"file" OFLAGS_CREAT RIGHTS_FD_READ|RIGHTS_FD_WRITE|RIGHTS_FD_FILESTAT_GET 0 0 out:4>fd => ESUCCESS
fd_write $fd iov:"shared" out:4                 => ESUCCESS u32:6
path_link 3 0 s:"file" 3 s:"link"               => ESUCCESS
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@24:2
path_filestat_get 3 0 s:"link" out:64           => ESUCCESS u64@24:2,u64@32:6
path_open 3 0 s:"subdir" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>sub => ESUCCESS
path_link 3 0 s:"file" $sub s:"link"            => ESUCCESS
path_filestat_get $sub 0 s:"link" out:64        => ESUCCESS u64@24:3
path_unlink_file 3 s:"link"                     => ESUCCESS
fd_filestat_get $fd out:64                      => ESUCCESS u64@24:2`,
			Check: checkAll(sameU64(3, 0, 8, 4, 0, 8), sameU64(3, 0, 8, 7, 0, 8),
				wantFile("subdir/link", "shared"), wantAbsent("link")),
		},
		Case{
			// wasi-testsuite path_link: what a link may not be made over or
			// to; a directory cannot be linked (EPERM, EACCES on some
			// systems); a new name ending in "/" over a file is ENOTDIR, as
			// for path_symlink.
			Name:  "path_link/refusals",
			Needs: writes,
			Tree:  mkTree("file=x", "existing=y", "dir/"),
			Script: `
path_link 3 0 s:"file" 3 s:"existing"           => EEXIST
path_link 3 0 s:"file" 3 s:"file"               => EEXIST
path_link 3 0 s:"file" 3 s:"dir"                => EEXIST
path_link 3 0 s:"dir" 3 s:"dirlink"             => EPERM|EACCES
path_link 3 0 s:"file" 3 s:"link/"              => ENOENT
path_link 3 0 s:"file" 3 s:"existing/"          => ENOTDIR
path_link 3 0 s:"file" 3 s:"dir/"               => EEXIST
path_link 3 0 s:"missing" 3 s:"link"            => ENOENT
path_link 3 0 s:"file" 3 s:"missing/link"       => ENOENT`,
			Check: checkAll(wantFile("existing", "y"), wantAbsent("dirlink", "link")),
		},
		Case{
			// LESSONS and wasi-testsuite path_link: linking follows no
			// symbolic link; SYMLINK_FOLLOW is refused.
			Name:  "path_link/symlinks",
			Needs: writes,
			Script: `
path_symlink s:"target" 3 s:"symlink"           => ESUCCESS
path_link 3 0 s:"symlink" 3 s:"link"            => ESUCCESS
path_filestat_get 3 0 s:"link" out:64           => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK
path_unlink_file 3 s:"symlink"                  => ESUCCESS
path_unlink_file 3 s:"link"                     => ESUCCESS
path_symlink s:"symlink" 3 s:"symlink"          => ESUCCESS
path_link 3 0 s:"symlink" 3 s:"link"            => ESUCCESS
path_unlink_file 3 s:"link"                     => ESUCCESS
path_unlink_file 3 s:"symlink"                  => ESUCCESS
path_open 3 0 s:"file" OFLAGS_CREAT 0 0 0 out:4 => ESUCCESS
path_symlink s:"target" 3 s:"symlink"           => ESUCCESS
path_link 3 0 s:"file" 3 s:"symlink"            => EEXIST
path_link 3 LOOKUP_SYMLINK_FOLLOW s:"symlink" 3 s:"link" => EINVAL
path_link 3 LOOKUP_SYMLINK_FOLLOW s:"file" 3 s:"link" => EINVAL
path_link 3 2 s:"file" 3 s:"link"               => EINVAL`,
			Check: checkAll(wantLink("symlink", "target"), wantAbsent("link")),
		},
		Case{
			Name: "path_link/path-errors",
			Tree: mkTree("file="),
			Script: pathErrors(`path_link %[1]s 0 %[2]s 3 s:"new"`) +
				pathErrors(`path_link 3 0 s:"file" %[1]s %[2]s`),
			Check: wantAbsent("new"),
		},
		Case{
			// wasi-testsuite path_exists.
			Name: "path_filestat_get/types-follow-and-not",
			Tree: mkTree("subdir/", "subdir/file=abc", "link1->subdir/file", "link2->subdir"),
			Script: `
path_filestat_get 3 0 s:"subdir" out:64         => ESUCCESS u8@16:FILETYPE_DIRECTORY
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"subdir" out:64 => ESUCCESS u8@16:FILETYPE_DIRECTORY
path_filestat_get 3 0 s:"subdir/file" out:64    => ESUCCESS u8@16:FILETYPE_REGULAR_FILE,u64@32:3,u64@24:1
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"subdir/file" out:64 => ESUCCESS u8@16:FILETYPE_REGULAR_FILE
path_filestat_get 3 0 s:"link1" out:64          => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"link1" out:64 => ESUCCESS u8@16:FILETYPE_REGULAR_FILE,u64@32:3
path_filestat_get 3 0 s:"link2" out:64          => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"link2" out:64 => ESUCCESS u8@16:FILETYPE_DIRECTORY
path_filestat_get 3 0 s:"link2/file" out:64     => ESUCCESS u8@16:FILETYPE_REGULAR_FILE
path_filestat_get 3 0 s:"." out:64              => ESUCCESS u8@16:FILETYPE_DIRECTORY`,
			// Following link1 reaches subdir/file itself.
			Check: sameU64(2, 0, 8, 5, 0, 8),
		},
		Case{
			Name: "path_filestat_get/errors",
			Tree: mkTree("f=x", "file="),
			Script: `
path_filestat_get 3 0 s:"missing" out:64        => ENOENT
path_filestat_get 3 0 s:"f/" out:64             => ENOTDIR
path_filestat_get 3 0 s:"f/x" out:64            => ENOTDIR
path_filestat_get 3 2 s:"f" out:64              => EINVAL
path_filestat_get 3 0 s:"f" ` + badPtr + `       => EFAULT
` + pathErrors(`path_filestat_get %s 0 %s out:64`),
		},
		Case{
			// wasi-testsuite path_filestat: times set by path, to the
			// nanosecond; a value with "now" for the same time is EINVAL and
			// changes nothing.
			Name:  "path_filestat_set_times/nanoseconds",
			Needs: writes,
			Tree:  mkTree("file=x"),
			Script: fmt.Sprintf(`
path_filestat_set_times 3 0 s:"file" 0 %[1]d FSTFLAGS_MTIM => ESUCCESS
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@48:%[1]d
path_filestat_set_times 3 0 s:"file" 0 5 FSTFLAGS_MTIM|FSTFLAGS_MTIM_NOW => EINVAL
path_filestat_set_times 3 0 s:"file" 5 0 FSTFLAGS_ATIM|FSTFLAGS_ATIM_NOW => EINVAL
path_filestat_set_times 3 0 s:"file" 5 5 0x10   => EINVAL
path_filestat_set_times 3 0 s:"missing" 0 0 FSTFLAGS_MTIM_NOW => ENOENT
path_filestat_set_times 3 2 s:"file" 5 5 FSTFLAGS_MTIM => EINVAL
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@48:%[1]d
path_filestat_set_times 3 0 s:"file" %[2]d %[2]d FSTFLAGS_ATIM|FSTFLAGS_MTIM => ESUCCESS
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@40:%[2]d,u64@48:%[2]d
path_filestat_set_times 3 0 s:"file" 0 0 FSTFLAGS_MTIM_NOW => ESUCCESS
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@40:%[2]d,u64@48>%[1]d
path_filestat_set_times 3 0 s:"." 0 %[1]d FSTFLAGS_MTIM => ESUCCESS
fd_filestat_get 3 out:64                        => ESUCCESS u64@48:%[1]d`, stampA, stampB),
		},
		Case{
			// wasi-testsuite symlink_filestat and LESSONS: without
			// SYMLINK_FOLLOW the link's own times change; with it, the
			// target's.
			Name:  "path_filestat_set_times/symlink-follow-or-not",
			Needs: writes,
			Tree:  mkTree("file=x", "symlink->file"),
			Script: fmt.Sprintf(`
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS
path_filestat_set_times 3 0 s:"symlink" 0 %[1]d FSTFLAGS_MTIM => ESUCCESS
path_filestat_get 3 0 s:"symlink" out:64        => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK,u64@48:%[1]d
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@48!%[1]d
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"symlink" out:64 => ESUCCESS u64@48!%[1]d
path_filestat_set_times 3 LOOKUP_SYMLINK_FOLLOW s:"symlink" 0 %[2]d FSTFLAGS_MTIM => ESUCCESS
path_filestat_get 3 0 s:"file" out:64           => ESUCCESS u64@48:%[2]d
path_filestat_get 3 0 s:"symlink" out:64        => ESUCCESS u64@48:%[1]d`, stampA, stampB),
			// The file's mtime is untouched by the no-follow call.
			Check: sameU64(0, 0, 48, 3, 0, 48),
		},
		Case{
			Name:   "path_filestat_set_times/path-errors",
			Tree:   mkTree("file="),
			Script: pathErrors(`path_filestat_set_times %s 0 %s 0 0 FSTFLAGS_MTIM_NOW`),
		},
	)
}
