# The printed form is the result; puts shows it.
set t [torch::tensor_create {1 2 3 4} {2 2}]
set text [torch::tensor_print $t]
puts $text
puts "([string length $text] characters)"
# A long tensor, summarised to about 6 elements.
puts [torch::tensor_print -input [torch::arange 100] -max 6]
