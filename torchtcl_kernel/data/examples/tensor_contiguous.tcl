# A stepped slice is a view with gaps in memory; tensor_contiguous packs it
set t [torch::arange 8]
set every_other [torch::tensor_slice $t 0 0 8 2]
puts "slice contiguous: [torch::tensor_is_contiguous $every_other]"
set packed [torch::tensor_contiguous $every_other]
puts "packed contiguous: [torch::tensor_is_contiguous $packed], [torch::tensor_print $packed]"
