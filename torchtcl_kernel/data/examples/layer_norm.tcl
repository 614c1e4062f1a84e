# LayerNorm over the feature vector of each token (the last dimension, 4 values): every token of
# every sentence comes out with mean 0, whatever its scale.
set tokens [torch::tensor_create {{{1 2 3 4} {10 20 30 40}} {{-5 0 5 10} {7 7 7 8}}}]
set ln [torch::layer_norm 4]
set out [torch::layer_forward $ln $tokens]
puts "shape: [torch::tensor_shape $out]"
puts "first token: [lmap v [lindex [torch::tensor_to_list $out] 0 0] {format %.3f $v}]"
puts "parameters: [torch::count_parameters $ln]"
