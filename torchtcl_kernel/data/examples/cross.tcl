# x cross y is z; each row of a batch is crossed with its partner row.
set x [torch::tensor_create {1.0 0.0 0.0}]
set y [torch::tensor_create {0.0 1.0 0.0}]
puts [torch::tensor_print [torch::cross $x $y]]
set a [torch::tensor_create {{2.0 0.0 0.0} {0.0 0.0 3.0}}]
set b [torch::tensor_create {{0.0 5.0 0.0} {1.0 0.0 0.0}}]
puts [torch::tensor_print [torch::cross -input $a -other $b -dim 1]]
