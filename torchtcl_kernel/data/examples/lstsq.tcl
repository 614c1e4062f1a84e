# Fit y = m x + c through four points; they lie on y = 2x + 1 apart from some noise.
set design [torch::tensor_create {{0.0 1.0} {1.0 1.0} {2.0 1.0} {3.0 1.0}}]
set y [torch::tensor_create {1.1 2.9 5.0 7.1} {4 1}]
set fit [torch::lstsq $y $design]
puts "slope and intercept: [torch::tensor_print $fit]"
