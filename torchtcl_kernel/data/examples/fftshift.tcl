# Frequencies 0 1 2 3 -4 -3 -2 -1, reordered from most negative to most positive.
set f [torch::tensor_create {0 1 2 3 -4 -3 -2 -1}]
puts [torch::tensor_print [torch::fftshift $f]]
set grid [torch::tensor_create {{1 2 3} {4 5 6}}]
puts [torch::tensor_print [torch::fftShift -input $grid -dim 1]]
