# A 2 x 2 patch doubled in size by a scale factor, corners kept.
set patch [torch::tensor_create {{{{0.0 3.0} {6.0 9.0}}}} float32]
set big [torch::upsample_bilinear -input $patch -scale_factor {2.0 2.0} -align_corners 1]
puts [torch::tensor_print $big]
