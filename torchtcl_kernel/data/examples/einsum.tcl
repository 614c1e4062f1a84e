# Matrix product, trace and a batched transpose in Einstein notation.
set a [torch::tensor_create {{1.0 2.0} {3.0 4.0}}]
set b [torch::tensor_create {{0.0 1.0} {1.0 0.0}}]
puts "a b = [torch::tensor_print [torch::einsum ij,jk->ik $a $b]]"
puts "trace = [torch::tensor_item [torch::einsum ii-> $a]]"
set batch [torch::randn {4 2 3}]
set swapped [torch::einsum -equation bij->bji -tensors [list $batch]]
puts "shape [torch::tensor_shape $swapped]"
