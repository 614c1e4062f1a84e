# Three detections; the two that overlap heavily keep only the better one. Prints kept indices.
set boxes [torch::tensor_create {{10 10 50 50} {12 12 52 52} {60 60 90 90}} float32]
set scores [torch::tensor_create {0.6 0.95 0.8} float32]
puts [torch::tensor_print [torch::nms -boxes $boxes -scores $scores -iouThreshold 0.5]]
