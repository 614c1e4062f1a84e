# RMS normalisation scales each row so that its root mean square is 1, without centring it
# (layer norm would also subtract the mean).
set x [torch::tensor_create {{3.0 4.0 0.0 0.0} {1.0 1.0 1.0 1.0}}]
set y [torch::rms_norm $x {4}]
foreach row [torch::tensor_to_list $y] { puts [lmap v $row {format %.3f $v}] }
