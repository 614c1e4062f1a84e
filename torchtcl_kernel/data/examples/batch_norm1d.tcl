# Sensor readings on very different scales: a BatchNorm1d layer brings each of the 3 features of
# a batch of 8 samples to mean 0 and standard deviation 1 (training mode: the batch's own
# statistics), and moves its running mean 10% of the way towards the batch mean.
torch::manual_seed 4
set readings [torch::tensor_add [torch::tensor_mul [torch::randn {8 3}] \
    [torch::tensor_create {1.0 50.0 0.01}]] [torch::tensor_create {20.0 1000.0 0.5}]]
set bn [torch::batch_norm1d 3]
set out [torch::layer_forward $bn $readings]
puts "feature means: [lmap v [torch::tensor_to_list [torch::mean_dim $out 0]] {format %.3f $v}]"
set mean [lindex [torch::layer_parameters $bn] 0]
puts "layer parameters: [llength [torch::layer_parameters $bn]] (weight and bias)"
