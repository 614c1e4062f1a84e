# A border of zeros around a 2x2 patch: one column left, one row below.
set patch [torch::tensor_create {{1.0 2.0} {3.0 4.0}}]
puts [torch::tensor_print [torch::zero_pad2d -input $patch -padding {1 0 0 1}]]
