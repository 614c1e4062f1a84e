# One data-parallel SGD step: the wrapped model averages its gradients over the job's ranks.
torch::distributed_init
torch::manual_seed 3
set model [torch::distributed_data_parallel [torch::linear 3 1]]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.05]
set x [torch::randn {4 3}]
set y [torch::randn {4 1}]
set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
torch::tensor_backward $loss
torch::optimizer_step $opt
puts "loss before the step: [torch::tensor_item $loss]"
