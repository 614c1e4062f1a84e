# Three 2-element readings stacked into a 3 x 2 batch, or as the columns of a 2 x 3 one.
set r1 [torch::tensor_create {1.0 2.0}]
set r2 [torch::tensor_create {3.0 4.0}]
set r3 [torch::tensor_create {5.0 6.0}]
puts [torch::tensor_print [torch::tensor_stack [list $r1 $r2 $r3] 0]]
puts [torch::tensor_shape [torch::tensorStack -tensors [list $r1 $r2 $r3] -dim 1]]
