# Six rows of data cut into a training part (the first four rows) and a test part.
set data [torch::tensor_reshape [torch::arange 12] {6 2}]
lassign [torch::vsplit -tensor $data -indices {4}] train test
puts "train [torch::tensor_shape $train], test [torch::tensor_shape $test]"
puts "three equal parts: [llength [torch::vSplit $data 3]]"
