# Where the first runner was faster: a larger speed wins, lap by lap.
set runner_a [torch::tensor_create {5.2 5.0 4.8 5.5} float32]
set runner_b [torch::tensor_create {5.1 5.3 4.8 5.4} float32]
puts [torch::tensor_print [torch::gt $runner_a $runner_b]]
puts [torch::tensor_print [torch::Gt -input1 $runner_a -input2 5.1]]
