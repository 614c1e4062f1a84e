set t [torch::arange 10]
# elements 2, 3, 4 (the end is left out)
puts [torch::tensor_print [torch::tensor_slice $t 0 2 5]]
# every third element, from the start to the end
puts [torch::tensor_print [torch::tensor_slice $t 0 0 10 3]]
# negative positions count from the end: the last four
puts [torch::tensor_print [torch::tensorSlice -input $t -dim 0 -start -4]]
