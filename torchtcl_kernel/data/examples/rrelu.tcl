# Without -training the negative slope is fixed at (lower + upper) / 2;
# with it, each negative value gets a random slope in [lower, upper].
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::rrelu $x 0.2 0.4]]
torch::manual_seed 3
puts [torch::tensor_print [torch::rrelu -input $x -lower 0.2 -upper 0.4 -training 1]]
