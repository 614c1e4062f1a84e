# Speed and acceleration from positions sampled once a second.
set pos [torch::tensor_create {0 1 4 9 16 25}]
puts "speed [torch::tensor_print [torch::diff $pos]]"
puts "accel [torch::tensor_print [torch::diff -input $pos -n 2]]"
set grid [torch::tensor_create {{1 2 4} {7 11 16}}]
puts [torch::tensor_print [torch::diff $grid 1 0]]
