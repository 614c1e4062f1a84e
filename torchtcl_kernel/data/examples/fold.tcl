# Four 2x2 blocks (one per column) put back side by side into a 4x4 image.
set blocks [torch::arange 0 16 -dtype float32]
set blocks [torch::tensor_reshape $blocks {1 4 4}]
puts [torch::tensor_print [torch::fold $blocks {4 4} {2 2} 1 0 2]]
# Overlapping blocks add up: with stride 1, the middle pixel of a 3x3 image is covered 4 times.
puts [torch::tensor_print [torch::fold -input [torch::ones {1 4 4}] -outputSize {3 3} -kernelSize 2]]
