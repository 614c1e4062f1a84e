# For an odd length, ifftshift (not a second fftshift) undoes fftshift.
set x [torch::tensor_create {10 20 30 40 50}]
set centred [torch::fftshift $x]
puts "centred:  [torch::tensor_print $centred]"
puts "restored: [torch::tensor_print [torch::ifftshift -tensor $centred -dimension 0]]"
