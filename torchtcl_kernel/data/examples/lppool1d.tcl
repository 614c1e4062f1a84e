# The Euclidean norm (p = 2) of each pair of values: sqrt(3^2 + 4^2) = 5, and so on.
set x [torch::tensor_reshape [torch::tensor_create {3.0 4.0 6.0 8.0}] {1 1 4}]
puts [torch::tensor_print [torch::lppool1d $x 2.0 2]]
# p = 1 sums each window.
puts [torch::tensor_print [torch::lpPool1d -input $x -normType 1.0 -kernelSize 2]]
