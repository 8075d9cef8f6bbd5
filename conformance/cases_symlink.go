package conformance

// Cases of symbolic links: path_symlink, path_readlink, and how the other
// path functions treat links (follow or not, loops, dangling links).
// Links that lead out of the sandbox are in cases_sandbox.go.

func init() {
	register(
		Case{
			// wasi-testsuite symlink_create.
			Name:  "path_symlink/to-file-and-directory",
			Needs: writes,
			Script: `
path_open 3 0 s:"target" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4>t => ESUCCESS
fd_write $t iov:"via link" out:4                => ESUCCESS u32:8
path_symlink s:"target" 3 s:"symlink"           => ESUCCESS
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"symlink" 0 RIGHTS_FD_READ 0 0 out:4>f => ESUCCESS
fd_read $f iovout:8 out:4                       => ESUCCESS str:"via link" u32:8
path_create_directory 3 s:"dir"                 => ESUCCESS
path_symlink s:"dir" 3 s:"dirlink"              => ESUCCESS
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"dirlink" OFLAGS_DIRECTORY 0 0 0 out:4>d => ESUCCESS
fd_fdstat_get $d out:24                         => ESUCCESS u8@0:FILETYPE_DIRECTORY
path_open 3 0 s:"dirlink/inside" OFLAGS_CREAT 0 0 0 out:4 => ESUCCESS
path_symlink s:"../target" 3 s:"dir/up"         => ESUCCESS
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"dir/up" out:64 => ESUCCESS u64@32:8`,
			Check: checkAll(wantLink("symlink", "target"), wantLink("dirlink", "dir"),
				wantLink("dir/up", "../target"), wantFile("dir/inside", "")),
		},
		Case{
			// wasi-testsuite symlink_create (whose pre-open is named
			// fs-tests.dir) and LESSONS: an absolute target is refused in a
			// pre-open other than "/" (for "/", see
			// path_symlink/absolute-target-in-root).
			Name: "path_symlink/absolute-target-refused",
			More: []MoreDir{{GuestPath: "fs-tests.dir"}},
			Script: `
path_symlink s:"/" 4 s:"symlink"                => EPERM
path_symlink s:"/etc/passwd" 4 s:"symlink"      => EPERM
path_readlink 4 s:"symlink" buf:16 out:4        => ENOENT`,
		},
		Case{
			// FeatureRootSemantics: in the pre-open named "/", absolute
			// targets are made, read back and followed from the pre-open,
			// in the middle of a path too; ".." above it after one stays
			// there, while ".." above it in the guest's own path is
			// refused. Through a directory opened beneath it an
			// implementation may follow or refuse them, never leave.
			Name:  "path_symlink/absolute-target-in-root",
			Needs: []Feature{FeatureRootSemantics, FeatureWritableTree},
			Tree:  mkTree("d/", "d/f=inside"),
			Script: `
path_symlink s:"/d/f" 3 s:"abs"                 => ESUCCESS
path_readlink 3 s:"abs" buf:8 out:4             => ESUCCESS str:"/d/f" u32:4
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"abs" 0 RIGHTS_FD_READ 0 0 out:4>f => ESUCCESS
fd_read $f iovout:8 out:4                       => ESUCCESS str:"inside" u32:6
path_open 3 0 s:"abs" 0 RIGHTS_FD_READ 0 0 out:4 => ELOOP
path_symlink s:"/" 3 s:"top"                    => ESUCCESS
path_filestat_get 3 0 s:"top/d/f" out:64        => ESUCCESS u8@16:FILETYPE_REGULAR_FILE,u64@32:6
path_symlink s:"/../../../d" 3 s:"up"           => ESUCCESS
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"up/f" out:64 => ESUCCESS u64@32:6
path_symlink s:"/top/top/abs" 3 s:"chain"       => ESUCCESS
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"chain" out:64 => ESUCCESS u64@32:6
path_symlink s:"/loop" 3 s:"loop"               => ESUCCESS
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"loop" 0 0 0 0 out:4 => ELOOP
path_open 3 0 s:"top/../../d/f" 0 RIGHTS_FD_READ 0 0 out:4 => ESUCCESS
path_open 3 0 s:"d/../../d/f" 0 RIGHTS_FD_READ 0 0 out:4 => EPERM
path_open 3 0 s:"top/new" OFLAGS_CREAT RIGHTS_FD_WRITE 0 0 out:4 => ESUCCESS
path_open 3 0 s:"d" OFLAGS_DIRECTORY RIGHTS_DIR_BASE RIGHTS_DIR_INHERITING 0 out:4>d => ESUCCESS
path_symlink s:"/d/f" $d s:"sub"                => ESUCCESS|EPERM
path_open $d LOOKUP_SYMLINK_FOLLOW s:"sub" 0 RIGHTS_FD_READ 0 0 out:4 => ESUCCESS|ENOENT|EPERM
path_symlink s:"/d/f" 3 s:"d/sub2"              => ESUCCESS
path_open $d LOOKUP_SYMLINK_FOLLOW s:"sub2" 0 RIGHTS_FD_READ 0 0 out:4 => ESUCCESS|EPERM`,
			Check: checkAll(wantLink("abs", "/d/f"), wantLink("top", "/"), wantFile("new", "")),
		},
		Case{
			// wasi-testsuite path_symlink_trailing_slashes (Unix answers).
			Name:  "path_symlink/trailing-slashes",
			Needs: writes,
			Tree:  mkTree("dir/", "file=x"),
			Script: `
path_symlink s:"source" 3 s:"target/"           => ENOENT
path_symlink s:"source" 3 s:"target"            => ESUCCESS
path_symlink s:"source" 3 s:"dir/"              => EEXIST
path_symlink s:"source" 3 s:"dir"               => EEXIST
path_symlink s:"source" 3 s:"file/"             => ENOTDIR
path_symlink s:"source" 3 s:"file"              => EEXIST
path_symlink s:"source" 3 s:"target"            => EEXIST`,
			Check: checkAll(wantLink("target", "source"), wantDir("dir"), wantFile("file", "x")),
		},
		Case{
			// The link's content is checked as a path too: empty is ENOENT,
			// NUL EINVAL, invalid UTF-8 EILSEQ.
			Name: "path_symlink/content-errors",
			Tree: mkTree("file="),
			Script: `
path_symlink sp:"" 0 3 s:"l"                    => ENOENT
path_symlink s:"a\x00b" 3 s:"l"                 => EINVAL
path_symlink s:"\xff" 3 s:"l"                   => EILSEQ
path_symlink ` + badPtr + ` 4 3 s:"l"            => EFAULT
path_symlink sp:"x" ` + badLen + ` 3 s:"l"       => EFAULT
` + pathErrors(`path_symlink s:"target" %s %s`),
			Check: wantAbsent("l", "x"),
		},
		Case{
			// wasi-testsuite symlink_loop: a self-referencing link is ELOOP
			// whether followed or not; so is a cycle of two.
			Name: "path_symlink/loops-ELOOP",
			Tree: mkTree("symlink->symlink", "a->b", "b->a"),
			Script: `
path_open 3 0 s:"symlink" 0 0 0 0 out:4         => ELOOP
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"symlink" 0 0 0 0 out:4 => ELOOP
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"a" 0 RIGHTS_FD_READ 0 0 out:4 => ELOOP
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"a" out:64 => ELOOP
path_filestat_get 3 0 s:"a" out:64              => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK
path_open 3 0 s:"a/x" 0 0 0 0 out:4             => ELOOP`,
			Check: checkAll(wantLink("a", "b"), wantLink("b", "a")),
		},
		Case{
			// wasi-testsuite symlink_loop: the guest makes the loops, and
			// creating through one is ELOOP too.
			Name:  "path_symlink/create-loops-ELOOP",
			Needs: writes,
			Script: `
path_symlink s:"symlink" 3 s:"symlink"          => ESUCCESS
path_open 3 0 s:"symlink" 0 0 0 0 out:4         => ELOOP
path_symlink s:"b" 3 s:"a"                      => ESUCCESS
path_symlink s:"a" 3 s:"b"                      => ESUCCESS
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"a" 0 RIGHTS_FD_READ 0 0 out:4 => ELOOP
path_open 3 0 s:"a/x" OFLAGS_CREAT 0 0 0 out:4  => ELOOP
path_create_directory 3 s:"a/x"                 => ELOOP`,
			Check: checkAll(wantLink("a", "b"), wantLink("b", "a")),
		},
		Case{
			// wasi-testsuite nofollow_errors: without SYMLINK_FOLLOW a final
			// link is not opened; with it, its target is.
			Name: "path_open/symlink-follow-or-not",
			Tree: mkTree("target/", "symlink->target", "ftarget=", "fsymlink->ftarget"),
			Script: `
path_open 3 0 s:"symlink" OFLAGS_DIRECTORY 0 0 0 out:4 => ELOOP|ENOTDIR
path_open 3 0 s:"symlink" 0 0 0 0 out:4         => ELOOP|EACCES
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"symlink" OFLAGS_DIRECTORY 0 0 0 out:4>fd => ESUCCESS
fd_close $fd                                    => ESUCCESS
path_open 3 0 s:"fsymlink" OFLAGS_DIRECTORY 0 0 0 out:4 => ELOOP|ENOTDIR
path_open 3 0 s:"fsymlink" 0 0 0 0 out:4        => ELOOP
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"fsymlink" OFLAGS_DIRECTORY 0 0 0 out:4 => ENOTDIR
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"fsymlink" 0 RIGHTS_FD_READ 0 0 out:4 => ESUCCESS`,
		},
		Case{
			// Only the final component is subject to SYMLINK_FOLLOW: links in
			// the middle of a path are always followed.
			Name: "path_open/symlink-in-the-middle",
			Tree: mkTree("d/", "d/f=inner", "ld->d"),
			Script: `
path_open 3 0 s:"ld/f" 0 RIGHTS_FD_READ 0 0 out:4>fd => ESUCCESS
fd_read $fd iovout:5 out:4                      => ESUCCESS str:"inner" u32:5
path_filestat_get 3 0 s:"ld/f" out:64           => ESUCCESS u8@16:FILETYPE_REGULAR_FILE
path_open 3 0 s:"ld/" OFLAGS_DIRECTORY 0 0 0 out:4 => ESUCCESS
path_open 3 0 s:"ld" OFLAGS_DIRECTORY 0 0 0 out:4 => ELOOP|ENOTDIR`,
		},
		Case{
			// wasi-testsuite dangling_symlink.
			Name: "path_open/dangling-symlink",
			Tree: mkTree("dangling->target"),
			Script: `
path_open 3 0 s:"dangling" OFLAGS_DIRECTORY 0 0 0 out:4 => ENOTDIR|ELOOP
path_open 3 0 s:"dangling" 0 0 0 0 out:4        => ELOOP
path_open 3 LOOKUP_SYMLINK_FOLLOW s:"dangling" 0 0 0 0 out:4 => ENOENT
path_filestat_get 3 LOOKUP_SYMLINK_FOLLOW s:"dangling" out:64 => ENOENT
path_filestat_get 3 0 s:"dangling" out:64       => ESUCCESS u8@16:FILETYPE_SYMBOLIC_LINK,u64@32:6
path_readlink 3 s:"dangling" buf:16 out:4       => ESUCCESS str:"target" u32:6`,
			Check: checkAll(wantLink("dangling", "target"), wantAbsent("target")),
		},
		Case{
			// wasi-testsuite readlink and LESSONS: a buffer shorter than the
			// content gets it truncated, successfully.
			Name: "path_readlink/truncates-to-buffer",
			Tree: mkTree("target=x", "symlink->target"),
			Script: `
path_readlink 3 s:"symlink" buf:10 out:4        => ESUCCESS hex:74617267657400000000 u32:6
path_readlink 3 s:"symlink" buf:4 out:4         => ESUCCESS str:"targ" u32:4
path_readlink 3 s:"symlink" buf:1 out:4         => ESUCCESS str:"t" u32:1`,
		},
		Case{
			Name: "path_readlink/errors",
			Tree: mkTree("dir/", "file=x", "symlink->file"),
			Script: `
path_readlink 3 s:"file" buf:16 out:4           => EINVAL
path_readlink 3 s:"dir" buf:16 out:4            => EINVAL
path_readlink 3 s:"missing" buf:16 out:4        => ENOENT
path_readlink 3 s:"symlink" ` + badPtr + ` 16 out:4 => EFAULT
path_readlink 3 s:"symlink" buf:16 ` + badPtr + ` => EFAULT
` + pathErrors(`path_readlink %s %s buf:16 out:4`),
		},
	)
}
