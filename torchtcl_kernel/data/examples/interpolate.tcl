# A 1-D signal of 3 samples stretched to 5, linearly, with the end points kept.
set signal [torch::tensor_create {{{0.0 10.0 40.0}}} float32]
set longer [torch::interpolate -input $signal -size 5 -mode linear -alignCorners 1]
puts [torch::tensor_print $longer]
