# AlexNet-style response normalisation: a strong activation in one channel damps its
# neighbouring channels at the same pixel. Five channels of a 1x1 image, channel 2 firing at 10.
set maps [torch::tensor_reshape [torch::tensor_create {1.0 1.0 10.0 1.0 1.0}] {1 5 1 1}]
set out [torch::cross_map_lrn2d -input $maps -size 3 -alpha 0.3 -beta 0.75 -k 1.0]
puts "before: [torch::tensor_to_list [torch::tensor_reshape $maps {-1}]]"
puts "after:  [lmap v [torch::tensor_to_list [torch::tensor_reshape $out {-1}]] {format %.3f $v}]"
