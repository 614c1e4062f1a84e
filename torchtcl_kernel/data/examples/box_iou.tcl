# Overlap of two detections with two ground-truth boxes (x1 y1 x2 y2): 1/7 and 1.0, then 0 and 0.25.
set found [torch::tensor_create {{0 0 2 2} {4 4 6 6}} float32]
set truth [torch::tensor_create {{1 1 3 3} {4 4 5 5}} float32]
puts [torch::tensor_print [torch::box_iou $found $truth]]
