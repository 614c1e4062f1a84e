# Upsampling a 3-sample signal by 2: each input spreads a copy of the kernel, stride 2 apart.
set x [torch::tensor_create {{{1.0 2.0 3.0}}}]
set k [torch::tensor_create {{{1.0 0.5}}}]
puts [torch::tensor_print [torch::conv_transpose1d $x $k none 2]]
# The same call by name, trimming one sample at each end.
puts [torch::tensor_print [torch::convTranspose1d -input $x -weight $k -stride 2 -padding 1]]
