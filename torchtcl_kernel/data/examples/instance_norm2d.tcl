# Style-transfer style contrast removal: each channel of each image becomes zero-mean and
# unit-variance, whatever its brightness.
torch::manual_seed 6
set images [torch::tensor_mul [torch::rand {2 3 8 8}] 200.0]
set out [torch::instance_norm2d -input $images -eps 1e-5]
set per_map [torch::tensor_reshape $out {6 64}]
puts "per-map means: [lmap v [torch::tensor_to_list [torch::mean_dim $per_map 1]] {format %.2f $v}]"
