# Local response normalisation over windows of 2 neighbouring channels: channel values of 3 at
# one position are damped more where their neighbour is also large.
set x [torch::tensor_reshape [torch::tensor_create {3.0 3.0 3.0 0.0}] {1 4 1}]
set y [torch::local_response_norm -input $x -size 2 -alpha 0.5 -beta 0.75 -k 1.0]
puts [lmap v [torch::tensor_to_list [torch::tensor_reshape $y {-1}]] {format %.3f $v}]
