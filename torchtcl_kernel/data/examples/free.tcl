# Release handles you no longer need; the result is how many went.
set a [torch::zeros {100 100}]
set b [torch::ones {3}]
puts "tensors alive: [llength [torch::handles -kind tensor]]"
puts "freed: [torch::free $a $b]"
puts "tensors alive: [llength [torch::handles -kind tensor]]"
puts "a freed handle is unknown: [catch {torch::tensor_shape $a}]"
