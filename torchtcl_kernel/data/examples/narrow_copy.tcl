set m [torch::tensor_reshape [torch::arange 12] {3 4}]
# two columns starting at column 1, as a tensor of its own
set middle [torch::narrow_copy $m 1 1 2]
puts [torch::tensor_print $middle]
puts "owns its memory, contiguous: [torch::tensor_is_contiguous $middle]"
puts [torch::tensor_print [torch::narrowCopy -input $m -dim 0 -start -1 -length 1]]
