# A compiled handle computes what its model does (the eager backend only traces the model: a
# quick check that it compiles; inductor, the default, generates faster code but takes seconds).
torch::manual_seed 0
set model [torch::sequential [list [torch::linear 4 8] [torch::nn_relu] [torch::linear 8 2]]]
set fast [torch::compile $model -backend eager]
set x [torch::randn {3 4}]
set same [torch::allclose [torch::layer_forward $fast $x] [torch::layer_forward $model $x]]
puts "$fast gives the model's output: $same"
# it shares the model's parameters: an optimizer on either trains both
puts "parameters: [llength [torch::layer_parameters $fast]]"
