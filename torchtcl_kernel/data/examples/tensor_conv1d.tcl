# A difference filter finds where a step signal changes; a bias shifts every output.
set x [torch::tensor_create {{{0.0 0.0 1.0 1.0 1.0 0.0}}}]
set diff [torch::tensor_create {{{-1.0 1.0}}}]
puts [torch::tensor_print [torch::tensor_conv1d $x $diff]]
puts [torch::tensor_print [torch::tensorConv1d -input $x -weight $diff -bias [torch::tensor_create {10.0}]]]
