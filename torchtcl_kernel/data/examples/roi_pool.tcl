# Max over the quadrants of two boxes on a 4 x 4 ramp (rows: batch_index x1 y1 x2 y2).
set feats [torch::tensor_reshape [torch::arange 0 16 1 float32] {1 1 4 4}]
set rois [torch::tensor_create {{0 0 0 3 3} {0 0 0 1 1}} float32]
set out [torch::roi_pool $feats $rois {2 2}]
puts "shape [torch::tensor_shape $out]"
puts [torch::tensor_print $out]
