# Average features over a region of a 4 x 4 ramp, 2 x 2 bins with one bilinear sample each.
set feats [torch::tensor_reshape [torch::arange 0 16 1 float32] {1 1 4 4}]
set rois [torch::tensor_create {{0 0.5 0.5 2.5 2.5}} float32]
set out [torch::roi_align -input $feats -boxes $rois -outputSize {2 2} -samplingRatio 1]
puts [torch::tensor_print $out]
