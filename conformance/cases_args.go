package conformance

func init() {
	register(
		Case{
			Name: "args/sizes-and-contents",
			Args: []string{"a", "", "bc"},
			Script: `
args_sizes_get out:4 out:4 => ESUCCESS u32:4 u32:15
args_get out:16 out:15     => ESUCCESS _ str:"wasicall\x00a\x00\x00bc\x00"
args_sizes_get 0xFFFFFFF0 out:4 => EFAULT
args_get 0xFFFFFFF0 out:15 => EFAULT
args_get out:16 0xFFFFFFFE => EFAULT`,
		},
		Case{
			Name: "environ/sizes-and-contents",
			Env:  []string{"A=1", "EMPTY=", "LONG=x y z"},
			Script: `
environ_sizes_get out:4 out:4 => ESUCCESS u32:3 u32:22
environ_get out:12 out:22     => ESUCCESS _ str:"A=1\x00EMPTY=\x00LONG=x y z\x00"
environ_sizes_get out:4 0xFFFFFFFF => EFAULT
environ_get 0xFFFFFFF8 out:22 => EFAULT`,
		},
		Case{
			Name: "environ/empty",
			Script: `
environ_sizes_get out:4 out:4 => ESUCCESS u32:0 u32:0`,
		},
	)
}
