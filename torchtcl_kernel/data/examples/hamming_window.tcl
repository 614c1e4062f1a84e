# A Hamming window never reaches zero: its ends sit at 0.08.
set w [torch::hamming_window -length 9 -periodic false]
puts [torch::tensor_print $w]
puts "ends: [torch::tensor_item [torch::tensor_min $w]]"
