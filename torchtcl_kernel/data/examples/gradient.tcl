# The slope of y = x^2 sampled at x = 0, 0.5, ..., 2 (central differences inside).
set y [torch::tensor_create {0.0 0.25 1.0 2.25 4.0}]
puts [torch::tensor_print [torch::gradient $y 0.5]]
# A 2-d input gives one tensor per dimension.
set z [torch::tensor_create {{1 2 4} {3 5 9}}]
lassign [torch::gradient -input $z] d_rows d_cols
puts "along rows: [torch::tensor_print $d_rows]"
puts "along cols: [torch::tensor_print $d_cols]"
